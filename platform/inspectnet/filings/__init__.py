"""Filing 报备 / 报批: frozen, versioned snapshots a subordinate office files to its superior."""
