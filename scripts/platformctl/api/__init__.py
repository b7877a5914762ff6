"""Service-team workflows for APIs: bootstrapping a new API and issuing consumer API keys."""
