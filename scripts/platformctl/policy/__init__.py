"""Security and policy gates: checkov (built-in and policies/ checks) on HCL and plan JSON, plan-level
rules in Python, the inline-skip validator and the reports under build/policy/."""
