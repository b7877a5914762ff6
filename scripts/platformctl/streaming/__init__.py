"""Streaming tools: a record producer for Firehose (PutRecordBatch with limits, retries and totals) and a
check that deployed streams point at Iceberg tables that exist."""
