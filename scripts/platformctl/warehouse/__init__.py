"""Warehouse (Redshift Serverless) operations: the lakehouse external-schema SQL and the Data API runner."""
