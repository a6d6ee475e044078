# Outputs
