"""Training→inference conversion: turn a successful training run into a real-time or batch inference graph."""
from designer.inference.conversion import Conversion, DatasetExport, InferenceConversionError, SavedArtifact, convert

__all__ = ["Conversion", "DatasetExport", "InferenceConversionError", "SavedArtifact", "convert"]
