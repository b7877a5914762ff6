variable "name_prefix" {
  type        = string
  description = "Environment name (local, dev, staging, prod). Prefixes every resource name: streams are \"<name_prefix>-<stream key>\", the Glue database is \"<name_prefix>_<database_name>\"."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,14}$", var.name_prefix))
    error_message = "name_prefix must be 1-15 characters of lower-case letters, digits and dashes, starting with a letter (for example \"dev\")."
  }
}

variable "tags" {
  type        = map(string)
  description = "Tags applied to every taggable resource (the env root passes CostCenter, Environment, Owner, DataClassification)."
  default     = {}
}

variable "alarm_topic_arn" {
  type        = string
  description = "ARN of the SNS topic (same account) that receives alarm and OK notifications."

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN such as arn:aws:sns:eu-west-1:123456789012:dev-alarms."
  }
}

variable "database_name" {
  type        = string
  description = "Glue database name without the environment prefix. The database created is \"<name_prefix>_<database_name>\" (dashes in name_prefix become underscores); Redshift mounts it."
  default     = "streaming"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,200}$", var.database_name))
    error_message = "database_name must be lower-case letters, digits and underscores, starting with a letter (Glue and Athena fold names to lower case)."
  }
}

variable "tables" {
  type = map(object({
    description = optional(string, "")
    columns = list(object({
      name    = string
      type    = string
      comment = optional(string)
    }))
    # Iceberg partition fields. hashicorp/aws 5.100 cannot send a partition spec for an Iceberg table
    # (see README "Partitioning"), so the tables are created unpartitioned and the module outputs the
    # Spark SQL that applies this spec (output partition_spec_ddl). A check block warns on every plan.
    partition_spec = optional(list(object({
      column    = string
      transform = optional(string, "identity")
    })), [])
  }))
  description = "Iceberg tables keyed by table name (lower-case snake case). Column types use the Glue/Hive grammar: boolean, int, bigint, float, double, decimal(p,s), date, timestamp, string, binary, struct<a:string,...>, array<t>, map<k,v>. Partition transforms: identity, year, month, day, hour, bucket[N], truncate[W]."

  validation {
    condition     = length(var.tables) > 0
    error_message = "tables must declare at least one Iceberg table."
  }

  validation {
    condition     = alltrue([for name in keys(var.tables) : can(regex("^[a-z][a-z0-9_]{0,254}$", name))])
    error_message = "Every table key must be lower-case snake case (letters, digits, underscores, starting with a letter); offending: ${join(", ", [for name in keys(var.tables) : name if !can(regex("^[a-z][a-z0-9_]{0,254}$", name))])}."
  }

  validation {
    condition = alltrue([for name, t in var.tables :
      length(t.columns) > 0 && length(distinct([for c in t.columns : c.name])) == length(t.columns)
    ])
    error_message = "Every table needs at least one column and unique column names; offending tables: ${join(", ", [for name, t in var.tables : name if length(t.columns) == 0 || length(distinct([for c in t.columns : c.name])) != length(t.columns)])}."
  }

  validation {
    condition = alltrue(flatten([for t in values(var.tables) : [
      for c in t.columns : can(regex("^[a-z_][a-z0-9_]{0,254}$", c.name))
    ]]))
    error_message = "Column names must be lower-case letters, digits and underscores (Glue stores them lower-cased; mixed case would drift)."
  }

  validation {
    # The full grammar (nesting, decimal precision, map key types) is checked by the catalog model
    # (platformctl.catalog.streams); here a shape check catches hand-written tfvars mistakes.
    condition = alltrue(flatten([for t in values(var.tables) : [
      for c in t.columns : can(regex("^(boolean|int|bigint|float|double|date|timestamp|string|binary|decimal\\([0-9]{1,2},[0-9]{1,2}\\)|struct<[a-z_][a-z0-9_]*:.+>|array<.+>|map<.+,.+>)$", c.type))
    ]]))
    error_message = "Column types must be Glue/Iceberg types without spaces: boolean, int, bigint, float, double, decimal(p,s), date, timestamp, string, binary, struct<name:type,...>, array<type> or map<key,value>; offending: ${join(", ", flatten([for n, t in var.tables : [for c in t.columns : "${n}.${c.name}=${c.type}" if !can(regex("^(boolean|int|bigint|float|double|date|timestamp|string|binary|decimal\\([0-9]{1,2},[0-9]{1,2}\\)|struct<[a-z_][a-z0-9_]*:.+>|array<.+>|map<.+,.+>)$", c.type))]]))}."
  }

  validation {
    condition = alltrue(flatten([for t in values(var.tables) : [
      for p in t.partition_spec :
      contains([for c in t.columns : c.name], split(".", p.column)[0]) &&
      can(regex("^(identity|year|month|day|hour|bucket\\[[1-9][0-9]{0,5}\\]|truncate\\[[1-9][0-9]{0,5}\\])$", p.transform))
    ]]))
    error_message = "partition_spec entries need a column of the table (a nested field as struct.field) and a transform of identity, year, month, day, hour, bucket[N] or truncate[W]."
  }
}

variable "streams" {
  type = map(object({
    source = optional(object({
      type = optional(string, "direct_put")
      # Only for type = "kinesis". Server-side encryption of a Kinesis-sourced stream is the Kinesis
      # stream's own encryption; give its CMK here so the delivery role may decrypt.
      kinesis_stream_arn  = optional(string)
      kinesis_kms_key_arn = optional(string)
    }), {})
    buffering_size_mib         = optional(number, 1)
    buffering_interval_seconds = optional(number, 60)
    retry_duration_seconds     = optional(number, 300)
    # Static prefix in the error bucket ("error/events-1/" in the article). The module appends
    # "!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/" so each error type lands apart.
    error_output_prefix = optional(string)
    destinations = list(object({
      table       = string
      unique_keys = optional(list(string), [])
      # insert, update (upsert on unique_keys) or delete; Firehose needs unique_keys for the latter two.
      operation = optional(string, "insert")
      # Absent: the default table (exactly one per stream). Present: records whose JQ path `field`
      # equals `equals` are routed to this table.
      route = optional(object({
        field  = string
        equals = string
      }))
    }))
    alarms = optional(object({
      freshness_seconds           = optional(number, 900)
      throttled_records_threshold = optional(number, 0)
      period_seconds              = optional(number, 300)
      evaluation_periods          = optional(number, 3)
    }), {})
  }))
  description = "Firehose streams keyed by stream key (the deployed name is \"<name_prefix>-<key>\"). Each delivers to one or more of var.tables; with several destinations, records are routed by JQ metadata extraction."

  validation {
    condition     = length(var.streams) > 0
    error_message = "streams must declare at least one Firehose stream."
  }

  validation {
    condition     = alltrue([for k in keys(var.streams) : can(regex("^[a-z][a-z0-9-]{0,38}[a-z0-9]$", k))])
    error_message = "Stream keys must be 2-40 lower-case letters, digits and dashes (they become \"<name_prefix>-<key>\" and IAM role names); offending: ${join(", ", [for k in keys(var.streams) : k if !can(regex("^[a-z][a-z0-9-]{0,38}[a-z0-9]$", k))])}."
  }

  validation {
    condition = alltrue([for s in values(var.streams) :
      s.buffering_size_mib >= 1 && s.buffering_size_mib <= 128 && floor(s.buffering_size_mib) == s.buffering_size_mib
    ])
    error_message = "buffering_size_mib must be a whole number of MiB between 1 and 128 (Firehose limit for Iceberg destinations; the article uses 1); offending streams: ${join(", ", [for k, s in var.streams : k if !(s.buffering_size_mib >= 1 && s.buffering_size_mib <= 128 && floor(s.buffering_size_mib) == s.buffering_size_mib)])}."
  }

  validation {
    condition = alltrue([for s in values(var.streams) :
      s.buffering_interval_seconds >= 0 && s.buffering_interval_seconds <= 900 && floor(s.buffering_interval_seconds) == s.buffering_interval_seconds
    ])
    error_message = "buffering_interval_seconds must be a whole number of seconds between 0 and 900 (Firehose limit for Iceberg destinations; the article uses 60); offending streams: ${join(", ", [for k, s in var.streams : k if !(s.buffering_interval_seconds >= 0 && s.buffering_interval_seconds <= 900 && floor(s.buffering_interval_seconds) == s.buffering_interval_seconds)])}."
  }

  validation {
    condition = alltrue([for s in values(var.streams) :
      s.retry_duration_seconds >= 0 && s.retry_duration_seconds <= 7200 && floor(s.retry_duration_seconds) == s.retry_duration_seconds
    ])
    error_message = "retry_duration_seconds must be a whole number of seconds between 0 and 7200 (Firehose RetryOptions range); offending streams: ${join(", ", [for k, s in var.streams : k if !(s.retry_duration_seconds >= 0 && s.retry_duration_seconds <= 7200 && floor(s.retry_duration_seconds) == s.retry_duration_seconds)])}."
  }

  validation {
    condition = alltrue([for s in values(var.streams) :
      (s.source.type == "direct_put" && s.source.kinesis_stream_arn == null && s.source.kinesis_kms_key_arn == null) ||
      (s.source.type == "kinesis" && can(regex("^arn:aws[a-z-]*:kinesis:[a-z0-9-]+:[0-9]{12}:stream/[A-Za-z0-9_.-]{1,128}$", s.source.kinesis_stream_arn)) &&
      (s.source.kinesis_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-f0-9-]{36}$", s.source.kinesis_kms_key_arn))))
    ])
    error_message = "source.type must be \"direct_put\" (no kinesis_* fields) or \"kinesis\" with kinesis_stream_arn = arn:aws:kinesis:<region>:<account>:stream/<name> and an optional kinesis_kms_key_arn key ARN; offending streams: ${join(", ", [for k, s in var.streams : k if !contains(["direct_put", "kinesis"], s.source.type)])}."
  }

  validation {
    condition = alltrue([for s in values(var.streams) :
      s.error_output_prefix == null || can(regex("^[a-z0-9][a-z0-9_.=/-]{0,200}/$", s.error_output_prefix))
    ])
    error_message = "error_output_prefix must be a static S3 prefix ending with \"/\" (lower-case letters, digits, _ . = - /; no \"!{...}\" expressions: the module appends the error type and date), for example \"error/events-1/\"."
  }

  validation {
    condition = alltrue([for s in values(var.streams) :
      length(s.destinations) > 0 &&
      length([for d in s.destinations : d if d.route == null]) == 1 &&
      length(distinct([for d in s.destinations : d.table])) == length(s.destinations)
    ])
    error_message = "Every stream needs destinations with unique tables and exactly one default destination (without route); offending streams: ${join(", ", [for k, s in var.streams : k if !(length(s.destinations) > 0 && length([for d in s.destinations : d if d.route == null]) == 1 && length(distinct([for d in s.destinations : d.table])) == length(s.destinations))])}."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.streams) : [
      # Terraform's || does not short-circuit, hence the conditional.
      for d in s.destinations : d.route == null ? true : (
        can(regex("^(\\.[A-Za-z_][A-Za-z0-9_]*)+$", d.route.field)) && length(d.route.equals) > 0 && length(d.route.equals) <= 255
      )
    ]]))
    error_message = "route.field must be a JQ path of plain keys such as \".type.event\", and route.equals a non-empty string of at most 255 characters."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.streams) : [
      for d in s.destinations : contains(keys(var.tables), d.table)
    ]]))
    error_message = "Every stream destination must name a table declared in var.tables; unknown: ${join(", ", distinct(flatten([for s in values(var.streams) : [for d in s.destinations : d.table if !contains(keys(var.tables), d.table)]])))}."
  }

  validation {
    condition = (
      length(flatten([for s in values(var.streams) : [for d in s.destinations : d.table]])) ==
      length(distinct(flatten([for s in values(var.streams) : [for d in s.destinations : d.table]])))
    )
    error_message = "A table can be the destination of only one stream (its delivery role owns the table's prefix)."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.streams) : [
      for d in s.destinations :
      contains(["insert", "update", "delete"], d.operation) && (d.operation == "insert" || length(d.unique_keys) > 0)
    ]]))
    error_message = "destinations[*].operation must be insert, update or delete, and update/delete need unique_keys (Firehose matches rows on them)."
  }

  validation {
    condition = alltrue(flatten([for s in values(var.streams) : [
      for d in s.destinations : [
        for key in d.unique_keys : contains([for c in try(var.tables[d.table].columns, []) : c.name], key)
      ]
    ]]))
    error_message = "unique_keys must name top-level columns of the destination table."
  }

  validation {
    condition = alltrue([for s in values(var.streams) :
      s.alarms.freshness_seconds > s.buffering_interval_seconds && s.alarms.freshness_seconds <= 86400 &&
      s.alarms.throttled_records_threshold >= 0 &&
      contains([60, 120, 180, 300, 600, 900, 1800, 3600], s.alarms.period_seconds) &&
      s.alarms.evaluation_periods >= 1 && s.alarms.evaluation_periods <= 24
    ])
    error_message = "alarms: freshness_seconds must exceed buffering_interval_seconds (data is at least that old before delivery) and be at most 86400; throttled_records_threshold >= 0; period_seconds one of 60, 120, 180, 300, 600, 900, 1800, 3600; evaluation_periods 1-24."
  }
}

variable "lake_formation_grants_enabled" {
  type        = bool
  description = "Lake Formation governs the lakehouse: register the warehouse location s3://<warehouse>/iceberg with Lake Formation (through a registration role of its own, hybrid access off), and grant each delivery role DESCRIBE on the database; ALTER, DELETE, DESCRIBE, INSERT, SELECT on its tables and lakeformation:GetDataAccess. The deploying principal must then be a Lake Formation admin with iam:PassRole on the registration role. Switch off for the emulator (moto cannot destroy the grants)."
  default     = true
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the Firehose error log groups, in days."
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "error_object_expiration_days" {
  type        = number
  description = "Days after which failed records in the error bucket expire. Keep it longer than the time needed to replay them."
  default     = 90

  validation {
    condition     = var.error_object_expiration_days >= 7 && var.error_object_expiration_days <= 3650 && floor(var.error_object_expiration_days) == var.error_object_expiration_days
    error_message = "error_object_expiration_days must be a whole number between 7 and 3650."
  }
}

variable "force_destroy" {
  type        = bool
  description = "Allow terraform destroy to delete non-empty buckets. Keep false outside throw-away environments."
  default     = false
}

variable "kms_deletion_window_days" {
  type        = number
  description = "Waiting period before the CMK is deleted after destroy."
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}

variable "warehouse_noncurrent_version_expiration_days" {
  type        = number
  description = "Days after which non-current object versions in the versioned warehouse bucket expire (Iceberg snapshot expiry and compaction delete files; versioning would otherwise keep them forever). Current objects are never expired by lifecycle: Iceberg owns them."
  default     = 30

  validation {
    condition     = var.warehouse_noncurrent_version_expiration_days >= 1 && var.warehouse_noncurrent_version_expiration_days <= 3650 && floor(var.warehouse_noncurrent_version_expiration_days) == var.warehouse_noncurrent_version_expiration_days
    error_message = "warehouse_noncurrent_version_expiration_days must be a whole number between 1 and 3650."
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
