# The project: APIs, Google's service agents, the image registry and the one secret.

locals {
  apis = [
    "run.googleapis.com",
    "pubsub.googleapis.com",
    "storage.googleapis.com",
    "bigtable.googleapis.com",
    "bigtableadmin.googleapis.com",
    "artifactregistry.googleapis.com",
    "secretmanager.googleapis.com",
    "aiplatform.googleapis.com",
    "cloudbuild.googleapis.com",
    "iam.googleapis.com",
  ]
  registry      = "${var.region}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
  bucket_prefix = var.bucket_prefix != "" ? var.bucket_prefix : var.project_id

  # Google-managed identities that act on our resources (referenced by infra/pubsub.tf.json).
  pubsub_service_agent_member = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
  gcs_service_agent_member    = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
  vertex_service_agent_member = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-aiplatform.iam.gserviceaccount.com"
}

data "google_project" "this" {
  project_id = var.project_id
}

resource "google_project_service" "apis" {
  for_each = toset(local.apis)
  service  = each.value
  # Turning an API off on destroy would break whatever else the project runs.
  disable_on_destroy = false
}

# Reading it also creates Cloud Storage's service agent if the project never used notifications.
data "google_storage_project_service_account" "gcs" {
  depends_on = [google_project_service.apis]
}

resource "google_artifact_registry_repository" "images" {
  repository_id = "commerce"
  location      = var.region
  format        = "DOCKER"
  description   = "Service images, tagged with the commit they were built from."
  docker_config {
    # A tag always names the same image: a deploy is reproducible and a rollback is a tag.
    immutable_tags = true
  }
  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = 20
    }
  }
  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"
    condition {
      tag_state  = "ANY"
      older_than = "7776000s" # 90 days, unless among the 20 most recent (KEEP wins)
    }
  }
  depends_on = [google_project_service.apis]
}

# The ops console's bearer token. Terraform makes the secret, never its value (a value would sit
# in the state): the deploy steps add a version with `gcloud secrets versions add`.
resource "google_secret_manager_secret" "ops_console_token" {
  secret_id = "ops-console-token"
  replication {
    auto {}
  }
  depends_on = [google_project_service.apis]
}
