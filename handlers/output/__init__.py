"""Output adapters: PDF documents, chart images and barcodes, made for (or read from) a chat."""
