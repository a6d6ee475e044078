openmetadata:
  config:
    authentication:
      provider: google
      enableSelfSignup: false
      clientId: "1234-abc.apps.googleusercontent.com"
      callbackUrl: "https://om.example.com/callback"
      publicKeys: ["https://www.googleapis.com/oauth2/v3/certs", "https://om.example.com/api/v1/system/config/jwks"]
    authorizer:
      principalDomain: example.com
      initialAdmins: [alice]
    jwtTokenConfiguration:
      rsapublicKeyFilePath: /etc/om/public.der
      rsaprivateKeyFilePath: /etc/om/private.der
      keyId: 9f1c2d3e-prod-key
    fernetkey:
      secretRef: om-secrets
      secretKey: fernet
