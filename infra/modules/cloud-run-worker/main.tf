# A service that works from Pub/Sub streaming pull on Cloud Run: always at least one instance, CPU
# always allocated (between requests too: that is when it pulls), probes on the service kit's
# /readyz (subscriptions open, dependencies reachable) and /healthz (alive), its own service account.

resource "google_cloud_run_v2_service" "this" {
  name                = var.name
  location            = var.region
  ingress             = var.ingress
  deletion_protection = var.deletion_protection

  template {
    service_account                  = var.service_account_email
    execution_environment            = "EXECUTION_ENVIRONMENT_GEN2"
    max_instance_request_concurrency = var.concurrency
    # Cloud Run gives a stopping instance 10 s after SIGTERM: SHUTDOWN_TIMEOUT_MS (env) stays below it.
    timeout                       = "60s"
    gpu_zonal_redundancy_disabled = var.gpu == null ? null : true

    scaling {
      min_instance_count = var.min_instances
      max_instance_count = var.max_instances
    }

    dynamic "node_selector" {
      for_each = var.gpu == null ? [] : [var.gpu]
      content {
        accelerator = node_selector.value.type
      }
    }

    containers {
      name  = var.name
      image = var.image
      ports {
        container_port = 8080
      }
      resources {
        limits            = merge({ cpu = var.cpu, memory = var.memory }, var.gpu == null ? {} : { "nvidia.com/gpu" = "1" })
        cpu_idle          = false # CPU always allocated: streaming pull works between requests
        startup_cpu_boost = true
      }

      dynamic "env" {
        for_each = var.env
        content {
          name  = env.key
          value = env.value
        }
      }
      dynamic "env" {
        for_each = var.secret_env
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret  = env.value.secret
              version = env.value.version
            }
          }
        }
      }

      volume_mounts {
        name       = "tmp"
        mount_path = "/tmp"
      }

      startup_probe {
        http_get {
          path = "/readyz"
          port = 8080
        }
        period_seconds    = 5
        timeout_seconds   = 3
        failure_threshold = ceil(var.startup_budget_seconds / 5)
      }
      liveness_probe {
        http_get {
          path = "/healthz"
          port = 8080
        }
        period_seconds    = 15
        timeout_seconds   = 5
        failure_threshold = 4
      }
    }

    volumes {
      name = "tmp"
      empty_dir {
        medium     = "MEMORY"
        size_limit = var.tmp_size_limit
      }
    }
  }
}
