"""The marker classifier: its module, its model folder on disk, inference, speed levers, calibration, metrics."""
