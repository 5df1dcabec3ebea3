variable "name" {
  description = "Service name (= the service's directory under services/)."
  type        = string
}

variable "region" {
  type = string
}

variable "image" {
  description = "Full image reference in Artifact Registry."
  type        = string
}

variable "service_account_email" {
  description = "The service's own service account."
  type        = string
}

variable "min_instances" {
  description = "At least 1: the service pulls from Pub/Sub (streaming pull); no request would ever start an instance."
  type        = number
  validation {
    condition     = var.min_instances >= 1
    error_message = "min_instances must be at least 1 for a streaming-pull service."
  }
}

variable "max_instances" {
  type = number
}

variable "cpu" {
  type = string
}

variable "memory" {
  type = string
}

variable "concurrency" {
  description = "HTTP requests per instance. The HTTP surface is health, readiness and metrics (plus the console's pages); message concurrency is the flow control in env (MAX_IN_FLIGHT, IMAGE_CONCURRENCY...)."
  type        = number
  default     = 80
}

variable "ingress" {
  description = "INGRESS_TRAFFIC_INTERNAL_ONLY for workers (nothing outside the VPC needs their health endpoints)."
  type        = string
  default     = "INGRESS_TRAFFIC_INTERNAL_ONLY"
}

variable "env" {
  description = "Plain environment variables (never secrets)."
  type        = map(string)
  default     = {}
}

variable "secret_env" {
  description = "Environment variables read from Secret Manager: name => { secret, version }."
  type        = map(object({ secret = string, version = string }))
  default     = {}
}

variable "gpu" {
  description = "null, or the accelerator to attach (one GPU per instance)."
  type        = object({ type = string })
  default     = null
}

variable "startup_budget_seconds" {
  description = "How long /readyz may take to pass at start (model load, subscriptions open; CUDA JIT on a GPU)."
  type        = number
  default     = 120
}

variable "tmp_size_limit" {
  description = "Size of the in-memory /tmp volume. Cloud Run's own file system is writable but in memory and unbounded; a bounded /tmp makes a runaway write fail instead of killing the instance."
  type        = string
  default     = "256Mi"
}

variable "deletion_protection" {
  type    = bool
  default = true
}
