output "name" {
  value = google_cloud_run_v2_service.this.name
}

output "uri" {
  description = "The service's URL (internal-only ingress for workers)."
  value       = google_cloud_run_v2_service.this.uri
}
