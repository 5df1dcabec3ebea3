variable "project_id" {
  description = "The Google Cloud project everything is deployed into."
  type        = string
}

variable "region" {
  description = "Region of Cloud Run, Artifact Registry and the buckets. Must offer Cloud Run GPUs (NVIDIA L4) when fraud_scorer_gpu is on, e.g. europe-west1, europe-west4, us-central1."
  type        = string
  default     = "europe-west1"
}

variable "image_tag" {
  description = "Tag of every service image in Artifact Registry: the commit the images were built from (tags are immutable)."
  type        = string
}

variable "bucket_prefix" {
  description = "Prefix of the bucket names (bucket names are global); the project id when empty."
  type        = string
  default     = ""
}

variable "services" {
  description = "Cloud Run sizing per service. Every figure is derived from a measured benchmark in infra/README.md (Sizing). min_instances >= 1: the services pull (streaming pull), they receive no requests that would wake them."
  type = map(object({
    min_instances = number
    max_instances = number
    cpu           = string
    memory        = string
  }))
  default = {
    # GPU: Cloud Run's L4 needs at least 4 vCPU and 16 GiB. Two instances: 422 orders/s each on wasm
    # alone is > 10x the 35/s average; the second one is for zone failure and deploys.
    "fraud-scorer" = { min_instances = 2, max_instances = 6, cpu = "4", memory = "16Gi" }
    # 4.2 CPU-seconds per photo: a 2-vCPU instance enhances ~0.48 photos/s. 162 instances would finish
    # 200M photos in 30 days; day to day, uploads need a handful. Raise max_instances for a backfill.
    "image-enhancer" = { min_instances = 1, max_instances = 20, cpu = "2", memory = "2Gi" }
    # 6,572 archived msgs/s on 2 cores against ~85/s average, ~850/s at a 10x burst.
    "event-archiver" = { min_instances = 1, max_instances = 3, cpu = "1", memory = "1Gi" }
    # Operators only; replay is rate-limited; one instance keeps the live fraud-alert subscription open.
    "ops-console" = { min_instances = 1, max_instances = 2, cpu = "1", memory = "1Gi" }
    # To be measured (no benchmark yet): rendering is sharp-bound like the enhancer, so sized like it.
    "creative-studio" = { min_instances = 1, max_instances = 10, cpu = "2", memory = "2Gi" }
  }
  validation {
    condition     = alltrue([for s in values(var.services) : s.min_instances >= 1 && s.max_instances >= s.min_instances])
    error_message = "min_instances must be at least 1 (streaming pull needs a running instance: with 0, no request ever wakes one and nothing pulls) and max_instances at least min_instances."
  }
}

variable "fraud_scorer_gpu" {
  description = "Run the fraud scorer on a Cloud Run NVIDIA L4 GPU (Dockerfile.gpu image, tensorflow-gpu backend); false runs the CPU image on the wasm backend. See infra/DESIGN-gpu.md."
  type        = bool
  default     = true
}

variable "fraud_scorer_gpu_type" {
  description = "Cloud Run GPU accelerator."
  type        = string
  default     = "nvidia-l4"
}

variable "bigtable_zone" {
  description = "Zone of the Bigtable cluster holding the fraud graph; <region>-b when empty."
  type        = string
  default     = ""
}

variable "bigtable_min_nodes" {
  description = "Bigtable autoscaling floor. One node serves ~10,000 rows/s; the scorer writes ~7 rows and reads ~7 rows per order (infra/README.md)."
  type        = number
  default     = 1
}

variable "bigtable_max_nodes" {
  description = "Bigtable autoscaling ceiling (storage also drives it: see infra/README.md)."
  type        = number
  default     = 3
}

variable "image_upload_prefix" {
  description = "Key prefix of original photos in the product-images bucket. Only objects under it notify image-uploaded: the enhancer's 18 outputs per photo (under enhanced/) must not notify."
  type        = string
  default     = "originals/"
  validation {
    condition     = var.image_upload_prefix != "" && endswith(var.image_upload_prefix, "/") && !startswith(var.image_upload_prefix, "enhanced/") && !startswith(var.image_upload_prefix, "lookbooks/")
    error_message = "image_upload_prefix must be a non-empty folder (ending in /) that is not enhanced/ or lookbooks/: outputs written there would notify again."
  }
}

variable "archive_retention_days" {
  description = "Archived events are deleted after this many days (Nearline after 30, Coldline after 90, Archive class after 365)."
  type        = number
  default     = 2555
}

variable "external_publishers" {
  description = "Members allowed to publish as each topology publisher that is not a service here (checkout, catalogue, case-management, marketing-console, image-backfill, traffic-generator), e.g. { checkout = [\"serviceAccount:checkout@other-project.iam.gserviceaccount.com\"] }."
  type        = map(list(string))
  default     = {}
}

variable "ops_console_invokers" {
  description = "Who may reach the ops console (roles/run.invoker), e.g. [\"group:fraud-ops@example.com\"]; they open it with `gcloud run services proxy ops-console`. The console's own token is required on top."
  type        = list(string)
  default     = []
}

variable "image_provider" {
  description = "IMAGE_PROVIDER of the image enhancer: local (offline) or gemini (Vertex AI, with a daily budget)."
  type        = string
  default     = "local"
}

variable "creative_provider" {
  description = "CREATIVE_PROVIDER of the creative studio: local or vertex."
  type        = string
  default     = "local"
}

variable "deletion_protection" {
  description = "Protect the Bigtable instance and table, the buckets' contents and the Cloud Run services from terraform destroy."
  type        = bool
  default     = true
}
