"""Model folders and the Hugging Face Hub (resolve, pull, list), and what every Hugging Face model needs (device, threads)."""
