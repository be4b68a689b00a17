"""The citizen e-services: what a signed-in person may read about themselves, across municipalities."""
