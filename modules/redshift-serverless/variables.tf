variable "name_prefix" {
  type        = string
  description = "Environment name used as the prefix of every resource name, e.g. \"dev\"."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,20}$", var.name_prefix))
    error_message = "name_prefix must be 1-21 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "name" {
  type        = string
  description = "What the warehouse is for. Namespace and workgroup are both named \"<name_prefix>-<name>\". Changing it REPLACES the namespace (see the README's deletion guard)."
  default     = "warehouse"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 lower-case letters, digits or dashes, starting with a letter and not ending with a dash (derived IAM role names must stay within 64 characters)."
  }
}

variable "environment" {
  type        = string
  description = "Environment this warehouse belongs to (local, dev, staging or prod). Used only for the production deletion guard: prod must set protected = true."

  validation {
    condition     = contains(["local", "dev", "staging", "prod"], var.environment)
    error_message = "environment must be one of local, dev, staging, prod."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags for every taggable resource: the platform's mandatory tags (CostCenter, Environment, Owner, DataClassification)."
}

variable "alarm_topic_arn" {
  type        = string
  description = "SNS topic ARN (same account) that receives ALARM and OK notifications of every alarm of this module."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:dev-platform-alarms."
  }
}

variable "enabled" {
  type        = bool
  description = "Create the warehouse. The local emulator (moto) has no Redshift Serverless, so envs/local plans with true and applies with false."
  default     = true
}

variable "protected" {
  type        = bool
  description = "Select the namespace variant with lifecycle.prevent_destroy = true. Any plan that would destroy or replace the namespace (destroy, rename, db_name change) then fails. Required for prod. Switching an existing namespace between variants needs a moved block in the env root (see README)."
  default     = true

  validation {
    condition     = var.environment != "prod" || var.protected
    error_message = "protected must be true when environment is \"prod\": production warehouse data must survive a careless destroy or a rename. To really delete prod, follow the README runbook instead of switching the guard off."
  }
}

variable "db_name" {
  type        = string
  description = "Name of the first database of the namespace. Changing it REPLACES the namespace (ForceNew in the provider)."
  default     = "analytics"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,62}$", var.db_name))
    error_message = "db_name must be 1-63 lower-case letters, digits or underscores, not starting with a digit."
  }
}

variable "admin_username" {
  type        = string
  description = "Admin user of the namespace. Its password is generated and rotated by Secrets Manager (manage_admin_password) and never passes through tfvars or state."
  default     = "platform_admin"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,126}$", var.admin_username)) && !contains(["admin", "rdsdb", "root", "public"], var.admin_username)
    error_message = "admin_username must be 1-127 lower-case letters, digits or underscores starting with a letter, and not a reserved name (admin, rdsdb, root, public)."
  }
}

variable "capacity" {
  type = object({
    base_capacity           = optional(number)
    max_capacity            = number
    price_performance_level = optional(number)
  })
  description = <<-EOT
    Compute capacity in Redshift Processing Units (RPUs). Set EITHER base_capacity (RPUs kept warm for each query,
    multiple of 8 between 8 and 1024) OR price_performance_level (AI-driven scaling: 1 = lowest cost, 50 = balanced,
    100 = fastest; one of 1, 25, 50, 75, 100). max_capacity is always required: it caps the spend rate and the
    "capacity at max" alarm fires when it is reached.
  EOT

  validation {
    condition     = var.capacity.base_capacity == null ? true : (floor(var.capacity.base_capacity) == var.capacity.base_capacity && var.capacity.base_capacity % 8 == 0)
    error_message = "capacity.base_capacity must be a multiple of 8 between 8 and 1024 (got ${coalesce(var.capacity.base_capacity, 0)}): RPUs are allocated in steps of 8."
  }

  validation {
    condition     = var.capacity.base_capacity == null ? true : (var.capacity.base_capacity >= 8 && var.capacity.base_capacity <= 1024)
    error_message = "capacity.base_capacity must be between 8 and 1024 RPUs (got ${coalesce(var.capacity.base_capacity, 0)}), in multiples of 8."
  }

  validation {
    condition     = var.capacity.base_capacity != null || var.capacity.price_performance_level != null
    error_message = "capacity needs a capacity mode: set capacity.base_capacity (e.g. 8) or capacity.price_performance_level (1, 25, 50, 75 or 100)."
  }

  validation {
    condition     = var.capacity.base_capacity == null || var.capacity.price_performance_level == null
    error_message = "capacity.base_capacity and capacity.price_performance_level are alternative capacity modes: set one of them, not both."
  }

  validation {
    condition     = var.capacity.price_performance_level == null ? true : contains([1, 25, 50, 75, 100], var.capacity.price_performance_level)
    error_message = "capacity.price_performance_level must be one of 1, 25, 50, 75, 100 (got ${coalesce(var.capacity.price_performance_level, 0)})."
  }

  validation {
    condition     = floor(var.capacity.max_capacity) == var.capacity.max_capacity && var.capacity.max_capacity % 8 == 0 && var.capacity.max_capacity >= 8 && var.capacity.max_capacity <= 5632
    error_message = "capacity.max_capacity must be a multiple of 8 between 8 and 5632 RPUs (got ${var.capacity.max_capacity})."
  }

  validation {
    condition     = var.capacity.base_capacity == null ? true : var.capacity.max_capacity >= var.capacity.base_capacity
    error_message = "capacity.max_capacity (${var.capacity.max_capacity}) must be greater than or equal to capacity.base_capacity (${coalesce(var.capacity.base_capacity, 0)})."
  }
}

variable "max_query_execution_time" {
  type        = number
  description = "Seconds a query may run before Redshift cancels it (workgroup parameter max_query_execution_time). A runaway query cannot burn RPU-hours beyond this."
  default     = 3600

  validation {
    condition     = floor(var.max_query_execution_time) == var.max_query_execution_time && var.max_query_execution_time >= 1 && var.max_query_execution_time <= 86399
    error_message = "max_query_execution_time must be a whole number of seconds between 1 and 86399."
  }
}

variable "usage_limits" {
  type = list(object({
    period        = string
    amount        = number
    breach_action = string
  }))
  description = <<-EOT
    RPU-hour ceilings of the workgroup (usage type serverless-compute). amount is in RPU-hours per period
    (daily, weekly, monthly). breach_action: log (record only), emit-metric (publish a metric, alarm on it) or
    deactivate (refuse new queries until the period rolls over or the limit is raised). Several limits per period
    are allowed when their actions differ, e.g. emit-metric at 800 and deactivate at 1000 RPU-hours a month.
  EOT

  validation {
    condition     = length(var.usage_limits) > 0
    error_message = "usage_limits needs at least one RPU-hour limit: it is the warehouse's spend ceiling."
  }

  validation {
    condition     = alltrue([for l in var.usage_limits : contains(["daily", "weekly", "monthly"], l.period)])
    error_message = "usage_limits[*].period must be daily, weekly or monthly (got ${join(", ", [for l in var.usage_limits : l.period])})."
  }

  validation {
    condition     = alltrue([for l in var.usage_limits : contains(["log", "emit-metric", "deactivate"], l.breach_action)])
    error_message = "usage_limits[*].breach_action must be log, emit-metric or deactivate (got ${join(", ", [for l in var.usage_limits : l.breach_action])})."
  }

  validation {
    condition     = alltrue([for l in var.usage_limits : floor(l.amount) == l.amount && l.amount >= 1])
    error_message = "usage_limits[*].amount must be a whole number of RPU-hours, at least 1."
  }

  validation {
    condition     = length(distinct([for l in var.usage_limits : "${l.period}/${l.breach_action}"])) == length(var.usage_limits)
    error_message = "usage_limits must not repeat a (period, breach_action) pair: raise or lower the existing limit instead."
  }
}

variable "cross_region_datasharing_limit" {
  type = object({
    period        = string
    amount        = number
    breach_action = string
  })
  description = "Optional ceiling on data shared across Regions (usage type cross-region-datasharing), amount in TB per period. null means no limit."
  default     = null

  validation {
    condition     = var.cross_region_datasharing_limit == null ? true : contains(["daily", "weekly", "monthly"], var.cross_region_datasharing_limit.period)
    error_message = "cross_region_datasharing_limit.period must be daily, weekly or monthly."
  }

  validation {
    condition     = var.cross_region_datasharing_limit == null ? true : contains(["log", "emit-metric", "deactivate"], var.cross_region_datasharing_limit.breach_action)
    error_message = "cross_region_datasharing_limit.breach_action must be log, emit-metric or deactivate."
  }

  validation {
    condition     = var.cross_region_datasharing_limit == null ? true : (floor(var.cross_region_datasharing_limit.amount) == var.cross_region_datasharing_limit.amount && var.cross_region_datasharing_limit.amount >= 1)
    error_message = "cross_region_datasharing_limit.amount must be a whole number of TB, at least 1."
  }
}

variable "network" {
  type = object({
    vpc_id                     = string
    subnet_ids                 = list(string)
    ingress_cidrs              = optional(list(string), [])
    ingress_security_group_ids = optional(list(string), [])
    egress_cidrs               = optional(list(string), [])
    egress_prefix_list_ids     = optional(list(string), [])
  })
  description = <<-EOT
    Where the workgroup lives and who may reach it. The module creates one security group: TCP 5439 in from
    ingress_cidrs (IPv4) and ingress_security_group_ids only; HTTPS (443) out to egress_cidrs (e.g. the VPC CIDR where
    the Glue/STS/KMS interface endpoints are) and egress_prefix_list_ids (e.g. the S3 gateway endpoint prefix list).
    Enhanced VPC routing sends COPY/UNLOAD/Spectrum traffic through the VPC, so the lakehouse needs those routes.
  EOT

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.network.vpc_id))
    error_message = "network.vpc_id must look like vpc-0123456789abcdef0."
  }

  validation {
    condition     = length(distinct(var.network.subnet_ids)) >= 3 && alltrue([for s in var.network.subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "network.subnet_ids needs at least 3 distinct subnet ids (subnet-...), one per Availability Zone: Redshift Serverless workgroups span three AZs."
  }

  validation {
    condition     = length(var.network.ingress_cidrs) + length(var.network.ingress_security_group_ids) > 0
    error_message = "network needs at least one ingress source (ingress_cidrs or ingress_security_group_ids): a workgroup nobody can reach on 5439 is a misconfiguration."
  }

  validation {
    condition     = alltrue([for c in concat(var.network.ingress_cidrs, var.network.egress_cidrs) : try(cidrsubnet(c, 0, 0) == c && can(cidrnetmask(c)), false)])
    error_message = "network.ingress_cidrs and network.egress_cidrs must be IPv4 CIDR blocks written as their network address, such as 10.20.0.0/16 (not 10.20.1.5/16)."
  }

  validation {
    condition     = alltrue([for c in var.network.ingress_cidrs : try(tonumber(split("/", c)[1]) >= 8, true)])
    error_message = "network.ingress_cidrs must not open 5439 to the internet: 0.0.0.0/0 and prefixes shorter than /8 are refused."
  }

  validation {
    condition     = alltrue([for g in var.network.ingress_security_group_ids : can(regex("^sg-[0-9a-f]{8,17}$", g))])
    error_message = "network.ingress_security_group_ids must be security group ids such as sg-0123456789abcdef0."
  }

  validation {
    condition     = alltrue([for p in var.network.egress_prefix_list_ids : can(regex("^pl-[0-9a-f]{8,17}$", p))])
    error_message = "network.egress_prefix_list_ids must be prefix list ids such as pl-6da54004 (the S3 gateway endpoint's list)."
  }
}

variable "lakehouse" {
  type = object({
    glue_database_name   = string
    glue_database_arn    = string
    glue_catalog_arn     = string
    warehouse_bucket_arn = string
    warehouse_prefixes   = list(string)
    kms_key_arn          = string
    lake_formation       = optional(bool, false)
    table_names          = optional(list(string), [])
  })
  description = <<-EOT
    The Iceberg lakehouse the warehouse reads (outputs of the Firehose/Iceberg module), or null when there is none.
    It scopes the default IAM role: Glue read on this catalog, database and its tables; s3:GetObject/ListBucket on
    the warehouse prefixes only; kms:Decrypt on the warehouse key. Set lake_formation = true when the database is
    governed by Lake Formation and the warehouse location is registered with it: the role then has no S3 or KMS
    access of its own, only lakeformation:GetDataAccess, and is granted DESCRIBE on the database and
    DESCRIBE/SELECT on each of table_names, column by column where lakehouse_column_access says so.
  EOT
  default     = null

  validation {
    condition     = var.lakehouse == null ? true : can(regex("^arn:aws[a-z-]*:glue:[a-z0-9-]+:[0-9]{12}:catalog$", var.lakehouse.glue_catalog_arn))
    error_message = "lakehouse.glue_catalog_arn must be a Glue Data Catalog ARN such as arn:aws:glue:eu-west-1:123456789012:catalog."
  }

  validation {
    condition     = var.lakehouse == null ? true : can(regex("^arn:aws[a-z-]*:glue:[a-z0-9-]+:[0-9]{12}:database/[a-z0-9_-]{1,255}$", var.lakehouse.glue_database_arn))
    error_message = "lakehouse.glue_database_arn must be a Glue database ARN such as arn:aws:glue:eu-west-1:123456789012:database/lakehouse."
  }

  validation {
    condition     = var.lakehouse == null ? true : (can(regex("^[a-z0-9_-]{1,255}$", var.lakehouse.glue_database_name)) && endswith(var.lakehouse.glue_database_arn, ":database/${var.lakehouse.glue_database_name}"))
    error_message = "lakehouse.glue_database_name must be lower-case letters, digits, underscores or dashes and match the database in lakehouse.glue_database_arn."
  }

  validation {
    condition     = var.lakehouse == null ? true : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.lakehouse.warehouse_bucket_arn))
    error_message = "lakehouse.warehouse_bucket_arn must be an S3 bucket ARN such as arn:aws:s3:::acme-dev-lakehouse."
  }

  validation {
    condition     = var.lakehouse == null ? true : length(var.lakehouse.warehouse_prefixes) > 0 && alltrue([for p in var.lakehouse.warehouse_prefixes : can(regex("^[A-Za-z0-9!_.()'-][A-Za-z0-9!_.()'/-]*$", p))])
    error_message = "lakehouse.warehouse_prefixes needs at least one key prefix such as \"warehouse/\" (no leading slash, no wildcards): the role reads these prefixes only."
  }

  validation {
    condition     = var.lakehouse == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]{36}$", var.lakehouse.kms_key_arn))
    error_message = "lakehouse.kms_key_arn must be a KMS key ARN (not an alias) such as arn:aws:kms:eu-west-1:123456789012:key/0000...: kms:Decrypt is granted on that key only."
  }
}

variable "external_schema_name" {
  type        = string
  description = "Name of the Redshift external schema that mounts the lakehouse Glue database (see output external_schema_sql)."
  default     = "lakehouse"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_]{0,126}$", var.external_schema_name))
    error_message = "external_schema_name must be 1-127 lower-case letters, digits or underscores, not starting with a digit."
  }
}

variable "additional_iam_role_arns" {
  type        = list(string)
  description = "Extra IAM roles to associate with the namespace (e.g. for COPY from other buckets). The module's lakehouse role is always added and is the default role."
  default     = []

  validation {
    condition     = alltrue([for r in var.additional_iam_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$", r))])
    error_message = "additional_iam_role_arns must be IAM role ARNs such as arn:aws:iam::123456789012:role/redshift-copy."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the exported audit logs (userlog, connectionlog, useractivitylog) in CloudWatch Logs."
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

variable "alarms" {
  type = object({
    capacity_at_max_periods  = optional(number, 2)
    queries_failed_threshold = optional(number, 10)
    queries_queued_threshold = optional(number, 5)
    queries_queued_periods   = optional(number, 3)
    usage_limit_percent      = optional(number, 90)
  })
  description = <<-EOT
    Alarm thresholds. capacity_at_max_periods: consecutive 30-minute periods at max_capacity before alarming.
    queries_failed_threshold: failed queries in 5 minutes. queries_queued_threshold / queries_queued_periods: queued
    queries sustained over that many 5-minute periods. usage_limit_percent: alarm when a usage limit is this
    percent consumed (100 = at the limit).
  EOT
  default     = {}

  validation {
    condition     = var.alarms.capacity_at_max_periods >= 1 && var.alarms.capacity_at_max_periods <= 48 && var.alarms.queries_queued_periods >= 1 && var.alarms.queries_queued_periods <= 288
    error_message = "alarms.capacity_at_max_periods must be 1-48 (30-minute periods) and alarms.queries_queued_periods 1-288 (5-minute periods)."
  }

  validation {
    condition     = var.alarms.queries_failed_threshold >= 0 && var.alarms.queries_queued_threshold >= 0
    error_message = "alarms.queries_failed_threshold and alarms.queries_queued_threshold must be zero or positive."
  }

  validation {
    condition     = var.alarms.usage_limit_percent >= 1 && var.alarms.usage_limit_percent <= 100
    error_message = "alarms.usage_limit_percent must be between 1 and 100."
  }
}

variable "lakehouse_column_access" {
  type = map(object({
    column_names          = optional(list(string))
    excluded_column_names = optional(list(string))
  }))
  description = "Column-level Lake Formation SELECT per table of lakehouse.table_names: column_names (only these) or excluded_column_names (all but these). Tables not listed are readable in full. Requires lakehouse.lake_formation = true."
  default     = {}

  validation {
    condition = alltrue([
      for table, access in var.lakehouse_column_access :
      (access.column_names == null) != (access.excluded_column_names == null) && length(coalesce(access.column_names, access.excluded_column_names, [])) > 0
    ])
    error_message = "lakehouse_column_access: set exactly one non-empty list per table, column_names (allow list) or excluded_column_names (deny list)."
  }

  validation {
    condition     = var.lakehouse == null || length(setsubtract(keys(var.lakehouse_column_access), try(var.lakehouse.table_names, []))) == 0
    error_message = "lakehouse_column_access names tables that are not in lakehouse.table_names."
  }

  # Without Lake Formation the column lists would be dropped and every column stay readable.
  validation {
    condition     = length(var.lakehouse_column_access) == 0 || try(var.lakehouse.lake_formation, false)
    error_message = "lakehouse_column_access requires lakehouse.lake_formation = true: column-level access is enforced by Lake Formation grants, and without them the IAM role reads every column. Set lakehouse.lake_formation = true (the database must be governed by Lake Formation) or remove lakehouse_column_access."
  }
}

variable "additional_alarm_actions" {
  type        = list(string)
  description = "Existing SNS topics (this account and Region) that every alarm notifies besides alarm_topic_arn: the account's critical sns_topic_arns under notifications in config/environments/<env>.yaml."
  default     = []

  validation {
    condition     = alltrue([for arn in var.additional_alarm_actions : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", arn))])
    error_message = "additional_alarm_actions must be SNS topic ARNs such as arn:aws:sns:eu-west-1:123456789012:secops-critical."
  }
}

variable "warning_alarm_topic_arn" {
  type        = string
  description = "SNS topic ARN (same account) for the alarms that need attention within working hours rather than someone now (the README lists each alarm's severity): the account's warning topic. null sends them to alarm_topic_arn."
  default     = null

  validation {
    condition     = var.warning_alarm_topic_arn == null || can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", coalesce(var.warning_alarm_topic_arn, "x")))
    error_message = "warning_alarm_topic_arn must be null or an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:dev-platform-warning-alarms."
  }
}

variable "additional_warning_alarm_actions" {
  type        = list(string)
  description = "Existing SNS topics (this account and Region) that every warning alarm notifies besides warning_alarm_topic_arn: the account's warning sns_topic_arns under notifications in config/environments/<env>.yaml. Ignored while warning_alarm_topic_arn is null."
  default     = []

  validation {
    condition     = alltrue([for arn in var.additional_warning_alarm_actions : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", arn))])
    error_message = "additional_warning_alarm_actions must be SNS topic ARNs such as arn:aws:sns:eu-west-1:123456789012:data-ops-warning."
  }
}
