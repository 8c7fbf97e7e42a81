"""The workspace's memory: registered models, run comparison and redeployable endpoints, over the store."""
