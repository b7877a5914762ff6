"""GitLab CI plumbing: the terraform report and Markdown plan summary of a plan, the apply guard
and the scheduled drift check (`platformctl ci ...`, called by .gitlab-ci.yml)."""
