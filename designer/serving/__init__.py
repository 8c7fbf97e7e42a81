"""Real-time serving: deployed inference graphs held warm in the server process."""
from designer.serving.endpoint import MAX_ROWS, DeploymentError, Endpoint
from designer.serving.runtimes import EndpointRuntimes

__all__ = ["DeploymentError", "Endpoint", "EndpointRuntimes", "MAX_ROWS"]
