"""`make verify ENV=<env>`: check that what AWS (or the emulator) runs matches the catalog's intent."""
