output "registry" {
  description = "Where to push the images: <registry>/<service>:<image_tag>."
  value       = local.registry
}

output "service_urls" {
  description = "Cloud Run URLs (workers are internal-only; the console needs roles/run.invoker and its token)."
  value = {
    fraud-scorer    = module.fraud_scorer.uri
    image-enhancer  = module.image_enhancer.uri
    event-archiver  = module.event_archiver.uri
    ops-console     = module.ops_console.uri
    creative-studio = module.creative_studio.uri
  }
}

output "buckets" {
  value = local.buckets
}

output "service_accounts" {
  value = { for k, sa in google_service_account.service : k => sa.email }
}
