"""The product-neutral core: database, secrets, errors, health. Nothing here imports a face."""
