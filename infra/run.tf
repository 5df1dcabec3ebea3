# The services on Cloud Run (modules/cloud-run-worker) and the fraud trainer as a Cloud Run job.
# Settings that follow from a benchmark say which; infra/README.md (Sizing) has the arithmetic.

locals {
  image = { for s in ["fraud-scorer", "image-enhancer", "event-archiver", "ops-console", "creative-studio"] : s => "${local.registry}/${s}:${var.image_tag}" }

  # Every service: the project (Cloud Run does not set GOOGLE_CLOUD_PROJECT), Cloud Logging's JSON,
  # and a shutdown that fits in the 10 s Cloud Run allows after SIGTERM (the kit's default is 20 s).
  common_env = {
    GOOGLE_CLOUD_PROJECT = var.project_id
    LOG_FORMAT           = "json"
    LOG_LEVEL            = "info"
    SHUTDOWN_TIMEOUT_MS  = "8000"
  }
}

module "fraud_scorer" {
  source                = "./modules/cloud-run-worker"
  name                  = "fraud-scorer"
  region                = var.region
  image                 = var.fraud_scorer_gpu ? "${local.registry}/fraud-scorer-gpu:${var.image_tag}" : local.image["fraud-scorer"]
  service_account_email = google_service_account.service["fraud-scorer"].email
  min_instances         = var.services["fraud-scorer"].min_instances
  max_instances         = var.services["fraud-scorer"].max_instances
  cpu                   = var.services["fraud-scorer"].cpu
  memory                = var.services["fraud-scorer"].memory
  gpu                   = var.fraud_scorer_gpu ? { type = var.fraud_scorer_gpu_type } : null
  # The first batch on a GPU JIT-compiles CUDA kernels (infra/DESIGN-gpu.md).
  startup_budget_seconds = var.fraud_scorer_gpu ? 240 : 120
  deletion_protection    = var.deletion_protection
  env = merge(local.common_env, {
    BLOB_STORE_URL        = "gs://${google_storage_bucket.fraud_ml.name}"
    FRAUD_MODEL_BACKEND   = var.fraud_scorer_gpu ? "tensorflow-gpu" : "wasm"
    GRAPH_STORE           = "bigtable" # several instances share one graph
    BIGTABLE_INSTANCE     = google_bigtable_instance.fraud.name
    BIGTABLE_TABLE        = google_bigtable_table.fraud_graph.name
    BIGTABLE_CREATE_TABLE = "false" # Terraform owns the table and its GC rule
    # Two full micro-batches (BATCH_MAX 256) per instance: one scoring while the next fills.
    MAX_IN_FLIGHT = "512"
  })
  depends_on = [terraform_data.pubsub_iam, google_storage_bucket_iam_member.object_access, google_project_iam_member.service, google_bigtable_table_iam_member.fraud_scorer_graph, google_bigtable_gc_policy.fraud_graph_orders]
}

module "image_enhancer" {
  source                = "./modules/cloud-run-worker"
  name                  = "image-enhancer"
  region                = var.region
  image                 = local.image["image-enhancer"]
  service_account_email = google_service_account.service["image-enhancer"].email
  min_instances         = var.services["image-enhancer"].min_instances
  max_instances         = var.services["image-enhancer"].max_instances
  cpu                   = var.services["image-enhancer"].cpu
  memory                = var.services["image-enhancer"].memory
  deletion_protection   = var.deletion_protection
  env = merge(local.common_env, {
    BLOB_STORE_URL = "gs://{bucket}" # the bucket named by each notification
    IMAGE_PROVIDER = var.image_provider
    # 4.2 CPU-seconds per photo, CPU-bound: one photo per vCPU (more only adds memory and lease extensions).
    IMAGE_CONCURRENCY = var.services["image-enhancer"].cpu
    GEMINI_LOCATION   = "global"
    # Decoded 100-megapixel inputs and 18 encodes need the headroom of 2 GiB per 2 photos.
  })
  depends_on = [terraform_data.pubsub_iam, google_storage_bucket_iam_member.object_access, google_project_iam_member.service]
}

module "event_archiver" {
  source                = "./modules/cloud-run-worker"
  name                  = "event-archiver"
  region                = var.region
  image                 = local.image["event-archiver"]
  service_account_email = google_service_account.service["event-archiver"].email
  min_instances         = var.services["event-archiver"].min_instances
  max_instances         = var.services["event-archiver"].max_instances
  cpu                   = var.services["event-archiver"].cpu
  memory                = var.services["event-archiver"].memory
  deletion_protection   = var.deletion_protection
  env = merge(local.common_env, {
    BLOB_STORE_URL = "gs://${google_storage_bucket.archive.name}"
    ARCHIVE_PREFIX = "archive"
    # Named, not 'auto': listing the project's subscriptions would need a project-wide Pub/Sub role.
    ARCHIVE_SUBSCRIPTIONS = join(",", local.topology_subscriptions_by_account["event-archiver"])
    # One segment object per flush per subscription: at the default 500 ms, a dozen busy subscriptions
    # write ~60M objects a month (Class A operations cost more than the bytes). 10 s cuts that 20x; the
    # kit extends leases meanwhile, and 10 s x ~700/s at a burst stays under the 5,000 buffered.
    ARCHIVE_BATCH_MAX_MS = "10000"
  })
  depends_on = [terraform_data.pubsub_iam, google_storage_bucket_iam_member.object_access, google_project_iam_member.service]
}

module "ops_console" {
  source                = "./modules/cloud-run-worker"
  name                  = "ops-console"
  region                = var.region
  image                 = local.image["ops-console"]
  service_account_email = google_service_account.service["ops-console"].email
  min_instances         = var.services["ops-console"].min_instances
  max_instances         = var.services["ops-console"].max_instances
  cpu                   = var.services["ops-console"].cpu
  memory                = var.services["ops-console"].memory
  deletion_protection   = var.deletion_protection
  # Reachable from outside, but only by var.ops_console_invokers (IAM), and then only with the token.
  ingress = "INGRESS_TRAFFIC_ALL"
  env = merge(local.common_env, {
    BLOB_STORE_URL       = "gs://${google_storage_bucket.archive.name}"
    MEDIA_BLOB_STORE_URL = "gs://${google_storage_bucket.media.name}"
    CONSOLE_AUTH         = "token"
    # SERVICE_URLS stays unset here: the workers' URLs take internal traffic and IAM-authenticated
    # callers only, and the console's Services tab fetches without an ID token (infra/README.md,
    # "What the services need for production"). Cloud Monitoring shows their health instead.
  })
  secret_env = {
    OPS_CONSOLE_TOKEN = { secret = google_secret_manager_secret.ops_console_token.secret_id, version = "latest" }
  }
  depends_on = [terraform_data.pubsub_iam, google_storage_bucket_iam_member.object_access, google_project_iam_member.service, google_secret_manager_secret_iam_member.ops_console_token]
}

module "creative_studio" {
  source                = "./modules/cloud-run-worker"
  name                  = "creative-studio"
  region                = var.region
  image                 = local.image["creative-studio"]
  service_account_email = google_service_account.service["creative-studio"].email
  min_instances         = var.services["creative-studio"].min_instances
  max_instances         = var.services["creative-studio"].max_instances
  cpu                   = var.services["creative-studio"].cpu
  memory                = var.services["creative-studio"].memory
  deletion_protection   = var.deletion_protection
  env = merge(local.common_env, {
    BLOB_STORE_URL        = "gs://${google_storage_bucket.media.name}"
    STATE_PREFIX          = "creative-studio/"
    LOOKBOOK_PREFIX       = "lookbooks/"
    PRODUCT_IMAGES_URL    = "gs://{bucket}"
    PRODUCT_IMAGES_BUCKET = google_storage_bucket.media.name
    CREATIVE_PROVIDER     = var.creative_provider
    # Lookbooks render with sharp like the enhancer: about one per vCPU.
    LOOKBOOK_CONCURRENCY        = var.services["creative-studio"].cpu
    VERTEX_VIDEO_OUTPUT_GCS_URI = "gs://${google_storage_bucket.media.name}/lookbooks/videos/"
  })
  depends_on = [terraform_data.pubsub_iam, google_storage_bucket_iam_member.object_access, google_project_iam_member.service]
}

# Trains a model version on the generator's data (or --data) into the ML bucket and makes it latest;
# the same image as the scorer (its training CLI). Run: gcloud run jobs execute fraud-trainer.
resource "google_cloud_run_v2_job" "fraud_trainer" {
  name                = "fraud-trainer"
  location            = var.region
  deletion_protection = var.deletion_protection
  template {
    task_count = 1
    template {
      service_account = google_service_account.service["fraud-trainer"].email
      timeout         = "3600s"
      max_retries     = 0
      containers {
        image   = local.image["fraud-scorer"]
        command = ["node", "services/fraud-scorer/dist/training/cli.js"]
        args    = ["--store", "gs://${google_storage_bucket.fraud_ml.name}", "--backend", "wasm", "train"]
        resources {
          limits = { cpu = "4", memory = "8Gi" }
        }
        env {
          name  = "GOOGLE_CLOUD_PROJECT"
          value = var.project_id
        }
        env {
          name  = "LOG_FORMAT"
          value = "json"
        }
      }
    }
  }
  depends_on = [terraform_data.pubsub_iam, google_storage_bucket_iam_member.object_access]
}
