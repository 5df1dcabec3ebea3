terraform {
  # 1.6+: the gcs backend and terraform_data (infra/pubsub.tf.json) as used here.
  required_version = ">= 1.6"
  required_providers {
    google = {
      source = "hashicorp/google"
      # 6.x: Cloud Run v2 GPUs (node_selector, gpu_zonal_redundancy_disabled) and deletion_protection.
      version = "~> 6.40"
    }
  }
  # State lives in a bucket made once by hand (infra/README.md, "Deploy"):
  #   terraform init -backend-config="bucket=<project>-tfstate"
  backend "gcs" {
    prefix = "commerce-intelligence"
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
  default_labels = {
    app        = "commerce-intelligence"
    managed-by = "terraform"
  }
}
