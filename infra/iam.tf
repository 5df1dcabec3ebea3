# One service account per service, and only the roles it needs. Pub/Sub roles are generated from the
# topology (infra/pubsub.tf.json: publisher on the topics it publishes, subscriber + viewer on its own
# subscriptions); object access is per bucket and key prefix, with IAM conditions. scripts/infra/
# terraform.test.ts fails on any other role, any project-wide Pub/Sub or Storage role, owner or editor.

locals {
  # The keys match SERVICE_ACCOUNTS in scripts/infra/pubsub-tf.ts (the test checks it).
  service_accounts = ["fraud-scorer", "image-enhancer", "event-archiver", "ops-console", "creative-studio", "fraud-trainer"]

  # Project-level roles: only those that have no narrower resource to grant on.
  project_roles = {
    "fraud-scorer"    = ["roles/monitoring.metricWriter"] # the Bigtable client exports client-side metrics
    "image-enhancer"  = ["roles/aiplatform.user"]         # IMAGE_PROVIDER=gemini calls Gemini on Vertex AI
    "creative-studio" = ["roles/aiplatform.user"]         # CREATIVE_PROVIDER=vertex: Gemini copy and images, Veo video
    "ops-console"     = ["roles/pubsub.viewer"]           # lists topics and subscriptions with their settings; reads no message
  }

  buckets = {
    media   = google_storage_bucket.media.name
    archive = google_storage_bucket.archive.name
    ml      = google_storage_bucket.fraud_ml.name
  }

  # Object access: account, bucket, role, key prefix ("" = the whole bucket). objectUser can
  # overwrite and delete (latest.json, checkpoints); objectCreator only adds (audit records).
  object_grants = {
    "image-enhancer-read-originals"   = { account = "image-enhancer", bucket = "media", role = "roles/storage.objectViewer", prefix = var.image_upload_prefix }
    "image-enhancer-write-enhanced"   = { account = "image-enhancer", bucket = "media", role = "roles/storage.objectUser", prefix = "enhanced/" }
    "creative-studio-read-originals"  = { account = "creative-studio", bucket = "media", role = "roles/storage.objectViewer", prefix = var.image_upload_prefix }
    "creative-studio-read-enhanced"   = { account = "creative-studio", bucket = "media", role = "roles/storage.objectViewer", prefix = "enhanced/" }
    "creative-studio-write-lookbooks" = { account = "creative-studio", bucket = "media", role = "roles/storage.objectUser", prefix = "lookbooks/" }
    "creative-studio-write-state"     = { account = "creative-studio", bucket = "media", role = "roles/storage.objectUser", prefix = "creative-studio/" }
    "ops-console-read-media"          = { account = "ops-console", bucket = "media", role = "roles/storage.objectViewer", prefix = "" }
    "event-archiver-write-archive"    = { account = "event-archiver", bucket = "archive", role = "roles/storage.objectUser", prefix = "archive/" }
    "ops-console-read-archive"        = { account = "ops-console", bucket = "archive", role = "roles/storage.objectViewer", prefix = "archive/" }
    "ops-console-write-replays"       = { account = "ops-console", bucket = "archive", role = "roles/storage.objectUser", prefix = "ops/replays/" }
    "ops-console-read-audit"          = { account = "ops-console", bucket = "archive", role = "roles/storage.objectViewer", prefix = "audit/" }
    "ops-console-append-audit"        = { account = "ops-console", bucket = "archive", role = "roles/storage.objectCreator", prefix = "audit/" }
    "fraud-scorer-read-models"        = { account = "fraud-scorer", bucket = "ml", role = "roles/storage.objectViewer", prefix = "models/" }
    "fraud-scorer-write-labels"       = { account = "fraud-scorer", bucket = "ml", role = "roles/storage.objectUser", prefix = "labels/" }
    "fraud-trainer-write-models"      = { account = "fraud-trainer", bucket = "ml", role = "roles/storage.objectUser", prefix = "models/" }
    "fraud-trainer-read-labels"       = { account = "fraud-trainer", bucket = "ml", role = "roles/storage.objectViewer", prefix = "labels/" }
  }
}

resource "google_service_account" "service" {
  for_each     = toset(local.service_accounts)
  account_id   = each.value
  display_name = "${each.value} (Cloud Run)"
  description  = "Runs ${each.value}; roles in infra/iam.tf and infra/pubsub.tf.json only."
}

resource "google_project_iam_member" "service" {
  for_each = { for pair in flatten([for account, roles in local.project_roles : [for role in roles : { account = account, role = role }]]) : "${pair.account}-${pair.role}" => pair }
  project  = var.project_id
  role     = each.value.role
  member   = "serviceAccount:${google_service_account.service[each.value.account].email}"
}

resource "google_storage_bucket_iam_member" "object_access" {
  for_each = local.object_grants
  bucket   = local.buckets[each.value.bucket]
  role     = each.value.role
  member   = "serviceAccount:${google_service_account.service[each.value.account].email}"
  dynamic "condition" {
    for_each = each.value.prefix == "" ? [] : [each.value.prefix]
    content {
      title       = each.key
      description = "Objects under ${condition.value}, and listing that prefix."
      # An object's name is projects/_/buckets/<bucket>/objects/<key>; a list is checked on the bucket,
      # with the prefix it asks for.
      expression = join(" || ", [
        "resource.name.startsWith(\"projects/_/buckets/${local.buckets[each.value.bucket]}/objects/${condition.value}\")",
        "(resource.type == \"storage.googleapis.com/Bucket\" && api.getAttribute(\"storage.googleapis.com/objectListPrefix\", \"\").startsWith(\"${condition.value}\"))",
      ])
    }
  }
}

# Veo writes generated videos to the lookbooks prefix itself, as the Vertex AI service agent.
resource "google_storage_bucket_iam_member" "vertex_writes_videos" {
  bucket = google_storage_bucket.media.name
  role   = "roles/storage.objectCreator"
  member = local.vertex_service_agent_member
  condition {
    title       = "veo-videos"
    description = "Veo output under lookbooks/videos/ only."
    expression  = "resource.name.startsWith(\"projects/_/buckets/${google_storage_bucket.media.name}/objects/lookbooks/videos/\")"
  }
}

resource "google_bigtable_table_iam_member" "fraud_scorer_graph" {
  instance      = google_bigtable_instance.fraud.name # "instance" in provider 6.x (instance_name is the table and gc-policy spelling)
  table         = google_bigtable_table.fraud_graph.name
  role          = "roles/bigtable.user"
  member        = "serviceAccount:${google_service_account.service["fraud-scorer"].email}"
}

resource "google_secret_manager_secret_iam_member" "ops_console_token" {
  secret_id = google_secret_manager_secret.ops_console_token.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.service["ops-console"].email}"
}

resource "google_cloud_run_v2_service_iam_member" "ops_console_invokers" {
  for_each = toset(var.ops_console_invokers)
  name     = module.ops_console.name
  location = var.region
  role     = "roles/run.invoker"
  member   = each.value
}
