"""Computer vision components: image directories, image transformations, torchvision architectures,
PyTorch training and image scoring.

torch and torchvision are imported inside functions only, so importing this package (as the
catalogue does at CLI start-up) stays fast.
"""
