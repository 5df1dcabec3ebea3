# Buckets. All with uniform bucket-level access (IAM only, which the prefix conditions in iam.tf need)
# and public access prevention.

# Product photos (originals under var.image_upload_prefix), the enhancer's variants (enhanced/), the
# creative studio's state (creative-studio/) and lookbooks (lookbooks/): one media bucket, so the ops
# console's gallery reads both through one store (MEDIA_BLOB_STORE_URL).
resource "google_storage_bucket" "media" {
  name                        = "${local.bucket_prefix}-product-images"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = !var.deletion_protection
  depends_on                  = [google_project_service.apis]
}

# Every new original announces itself on image-uploaded: the payload is the object resource
# (JSON_API_V1) and the attributes are eventType, bucketId, objectId, objectGeneration..., which is
# exactly the ImageUploaded contract; the enhancer's subscription filters on OBJECT_FINALIZE too.
resource "google_storage_notification" "image_uploaded" {
  bucket             = google_storage_bucket.media.name
  topic              = google_pubsub_topic.image_uploaded.id
  payload_format     = "JSON_API_V1"
  event_types        = ["OBJECT_FINALIZE"]
  object_name_prefix = var.image_upload_prefix
  # Cloud Storage's service agent must be allowed to publish first (generated from the topology:
  # image-uploaded lists cloud-storage-notification as a publisher).
  depends_on = [google_pubsub_topic_iam_member.image_uploaded__publisher__cloud_storage_notification]
}

# The event archive (archive/), replay checkpoints (ops/replays/) and the ops audit trail (audit/).
resource "google_storage_bucket" "archive" {
  name                        = "${local.bucket_prefix}-event-archive"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = !var.deletion_protection

  # Archive segments are written once and read rarely (replay, trace): cheaper classes as they age.
  # Reading a Coldline/Archive-class object costs a retrieval fee, and deleting one early the rest
  # of its minimum storage duration (infra/README.md, Cost).
  lifecycle_rule {
    condition {
      age            = 30
      matches_prefix = ["archive/"]
    }
    action {
      type          = "SetStorageClass"
      storage_class = "NEARLINE"
    }
  }
  lifecycle_rule {
    condition {
      age            = 90
      matches_prefix = ["archive/"]
    }
    action {
      type          = "SetStorageClass"
      storage_class = "COLDLINE"
    }
  }
  lifecycle_rule {
    condition {
      age            = 365
      matches_prefix = ["archive/"]
    }
    action {
      type          = "SetStorageClass"
      storage_class = "ARCHIVE"
    }
  }
  lifecycle_rule {
    condition {
      age            = var.archive_retention_days
      matches_prefix = ["archive/", "audit/"]
    }
    action {
      type = "Delete"
    }
  }
  # A finished replay's checkpoint is only interesting for a while.
  lifecycle_rule {
    condition {
      age            = 30
      matches_prefix = ["ops/replays/"]
    }
    action {
      type = "Delete"
    }
  }
  depends_on = [google_project_service.apis]
}

# Fraud models (models/, written by the trainer job) and reported labels (labels/fraud/).
resource "google_storage_bucket" "fraud_ml" {
  name                        = "${local.bucket_prefix}-fraud-ml"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = !var.deletion_protection
  # Models are small and precious: keep overwritten versions of latest.json and thresholds.
  versioning {
    enabled = true
  }
  lifecycle_rule {
    condition {
      num_newer_versions = 10
      with_state         = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }
  depends_on = [google_project_service.apis]
}
