resource "helm_release" "openmetadata" {
  name       = "openmetadata"
  repository = "https://helm.open-metadata.org"
  chart      = "openmetadata"
  version    = "1.6.2"
  values     = [templatefile("${path.module}/values.yaml.tpl", {})]
  set {
    name  = "openmetadata.config.authorizer.principalDomain"
    value = "example.com,openmetadata.config.authorizer.initialAdmins={admin},openmetadata.config.authentication.provider=basic"
  }
}
