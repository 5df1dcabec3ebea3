# The fraud scorer's shared graph (GRAPH_STORE=bigtable): with more than one instance the in-memory
# graph cannot be shared, an order reaches only one instance. Layout from
# services/fraud-scorer/src/domain/graph-store/bigtable-store.ts (BIGTABLE_STORE_DEFAULTS): row
# e#<entity>, family "o", one cell per order, garbage-collected after 180 days. The test checks both.

locals {
  bigtable_zone = var.bigtable_zone != "" ? var.bigtable_zone : "${var.region}-b"
}

resource "google_bigtable_instance" "fraud" {
  name                = "fraud"
  display_name        = "Fraud graph"
  deletion_protection = var.deletion_protection
  cluster {
    cluster_id   = "fraud-c1"
    zone         = local.bigtable_zone
    storage_type = "SSD"
    autoscaling_config {
      min_nodes  = var.bigtable_min_nodes
      max_nodes  = var.bigtable_max_nodes
      cpu_target = 60
    }
  }
  depends_on = [google_project_service.apis]
}

resource "google_bigtable_table" "fraud_graph" {
  name          = "fraud-graph"
  instance_name = google_bigtable_instance.fraud.name
  column_family {
    family = "o"
  }
  deletion_protection = var.deletion_protection ? "PROTECTED" : "UNPROTECTED"
}

resource "google_bigtable_gc_policy" "fraud_graph_orders" {
  instance_name   = google_bigtable_instance.fraud.name
  table           = google_bigtable_table.fraud_graph.name
  column_family   = "o"
  deletion_policy = "ABANDON"
  max_age {
    duration = "4320h" # 180 days
  }
}
