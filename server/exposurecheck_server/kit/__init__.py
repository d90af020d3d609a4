"""USB kits for NGOs: the app, data packs and a profile in one signed folder (`exposure-check-admin kit build`)."""
