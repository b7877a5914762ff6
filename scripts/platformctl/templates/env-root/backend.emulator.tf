# The emulator is in-memory, so is everything it holds: local state is discarded by
# `platformctl` whenever the emulator it describes is gone (see README, "The local environment").
terraform {
  backend "local" {}
}
