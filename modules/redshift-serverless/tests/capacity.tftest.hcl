# Capacity modes and their validation messages.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name_prefix     = "dev"
  environment     = "dev"
  protected       = false
  alarm_topic_arn = "arn:aws:sns:eu-west-1:123456789012:dev-platform-alarms"
  tags = {
    CostCenter         = "7263"
    Environment        = "dev"
    Owner              = "platform@example.com"
    DataClassification = "internal"
  }
  capacity     = { base_capacity = 8, max_capacity = 64 }
  usage_limits = [{ period = "daily", amount = 24, breach_action = "deactivate" }]
  network = {
    vpc_id        = "vpc-0123456789abcdef0"
    subnet_ids    = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"]
    ingress_cidrs = ["10.20.0.0/16"]
  }
}

run "base_capacity_mode_sets_base_and_max" {
  command = plan

  assert {
    condition     = aws_redshiftserverless_workgroup.this[0].base_capacity == 8 && aws_redshiftserverless_workgroup.this[0].max_capacity == 64
    error_message = "base and max capacity must come from var.capacity"
  }
  assert {
    condition     = length(aws_redshiftserverless_workgroup.this[0].price_performance_target) == 0
    error_message = "no price-performance target in base capacity mode"
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.capacity_at_max[0].threshold == 64 && aws_cloudwatch_metric_alarm.capacity_at_max[0].metric_name == "ComputeCapacity"
    error_message = "the capacity-at-max alarm must fire at max_capacity"
  }
}

run "price_performance_mode_replaces_base_capacity" {
  command = plan

  variables {
    capacity = { price_performance_level = 50, max_capacity = 128 }
  }

  assert {
    condition     = aws_redshiftserverless_workgroup.this[0].price_performance_target[0].enabled && aws_redshiftserverless_workgroup.this[0].price_performance_target[0].level == 50
    error_message = "price_performance_level must enable a price-performance target with that level"
  }
  assert {
    condition     = aws_redshiftserverless_workgroup.this[0].max_capacity == 128
    error_message = "max capacity still applies in price-performance mode"
  }
}

run "base_capacity_not_multiple_of_8_is_refused" {
  command = plan

  variables {
    capacity = { base_capacity = 12, max_capacity = 64 }
  }

  expect_failures = [var.capacity]
}

run "base_capacity_above_1024_is_refused" {
  command = plan

  variables {
    capacity = { base_capacity = 1032, max_capacity = 2048 }
  }

  expect_failures = [var.capacity]
}

run "base_capacity_zero_is_refused" {
  command = plan

  variables {
    capacity = { base_capacity = 0, max_capacity = 64 }
  }

  expect_failures = [var.capacity]
}

run "max_below_base_is_refused" {
  command = plan

  variables {
    capacity = { base_capacity = 64, max_capacity = 32 }
  }

  expect_failures = [var.capacity]
}

run "both_capacity_modes_are_refused" {
  command = plan

  variables {
    capacity = { base_capacity = 8, price_performance_level = 50, max_capacity = 64 }
  }

  expect_failures = [var.capacity]
}

run "no_capacity_mode_is_refused" {
  command = plan

  variables {
    capacity = { max_capacity = 64 }
  }

  expect_failures = [var.capacity]
}

run "unknown_price_performance_level_is_refused" {
  command = plan

  variables {
    capacity = { price_performance_level = 60, max_capacity = 64 }
  }

  expect_failures = [var.capacity]
}

run "max_capacity_not_multiple_of_8_is_refused" {
  command = plan

  variables {
    capacity = { base_capacity = 8, max_capacity = 60 }
  }

  expect_failures = [var.capacity]
}

run "max_query_execution_time_reaches_the_workgroup" {
  command = plan

  variables {
    max_query_execution_time = 900
  }

  assert {
    condition     = one([for p in aws_redshiftserverless_workgroup.this[0].config_parameter : p.parameter_value if p.parameter_key == "max_query_execution_time"]) == "900"
    error_message = "max_query_execution_time must be set from the input"
  }
}

run "max_query_execution_time_out_of_range_is_refused" {
  command = plan

  variables {
    max_query_execution_time = 90000
  }

  expect_failures = [var.max_query_execution_time]
}
