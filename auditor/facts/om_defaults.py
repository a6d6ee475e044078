"""Facts about OpenMetadata's shipped defaults, copied here so the product never needs ../shared.

Sources: open-metadata/OpenMetadata conf/openmetadata.yaml (jwtTokenConfiguration, authorizerConfiguration),
conf/public_key.der (the shipped default key), and the public tokens signed with it, which ship in the
openmetadata-ingestion 2.0.7.0 wheel (_openmetadata_testutils/ometa.py, metadata/examples/workflows/).
"""

from __future__ import annotations

DEFAULT_KEY_ID = "Gb389a-9f76-gdjs-a92j-0242bk94356"
DEFAULT_KEY_EXPONENT = 65537
DEFAULT_KEY_MODULUS = int(
    "d974c76eb4bcb98bfe4c7c1e18382a45c8824d924853436e68f5104f8dd5ee84208f7105a6d5b245dd10eb1663b1fe8ef33db3599774a8"
    "d41b326eea21c9d29017ad9092aca2a835aa34fe18428fd3d1a84502c3a6497b00280cafa33181eeee1a6135e5315338150625ba08ddbc"
    "b1f8b4b383aad95ebe6376affc22a3fbfce6a2440b0b0e379f0bce436fe37b204f85b31783597f239728756df3fe7083ab87dacd671b17"
    "26e73a965a19134cfd08807492787598bb05c507d4fca0600dd2ffa4b070abd2a5e674babde4e217b82994bb2beb528e551cf2a3251b57"
    "bf933dbfa55f8706123c5a31bd0cb82aa2a19c01feac5953a736662b0180cbb6a5accf65",
    16,
)
DEFAULT_KEY_SPKI_SHA256 = "5ef1fe95ce866280ed426e40f6aca6bb30324fff024d4d5402b5bb1bc970a0d8"

# The never-expiring admin token signed with the shipped key (payload: sub=admin, isBot=false, no exp).
# It is public; omaudit sends it only as the --active proof for OMA105 and never prints it.
DEFAULT_ADMIN_TOKEN = (
    "eyJraWQiOiJHYjM4OWEtOWY3Ni1nZGpzLWE5MmotMDI0MmJrOTQzNTYiLCJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJzdWI"
    "iOiJhZG1pbiIsImlzQm90IjpmYWxzZSwiaXNzIjoib3Blbi1tZXRhZGF0YS5vcmciLCJpYXQiOjE2NjM5Mzg0NjIsImVtYWlsIjo"
    "iYWRtaW5Ab3Blbm1ldGFkYXRhLm9yZyJ9.tS8um_5DKu7HgzGBzS1VTA5uUjKWOCU0B_j08WXBiEC0mr0zNREkqVfwFDD-d24HlN"
    "EbrqioLsBuFRiwIWKc1m_ZlVQbG7P36RUxhuv2vbSp80FKyNM-Tj93FDzq91jsyNmsQhyNv_fNr3TXfzzSPjHt8Go0FMMP66weoK"
    "MgW2PbXlhVKwEuXUHyakLLzewm9UMeQaEiRzhiTMU3UkLXcKbYEJJvfNFcLwSl9W8JCO_l0Yj3ud-qt_nQYEZwqW6u5nfdQllN13"
    "3iikV4fM5QZsMCnm8Rq1mvLR0y9bmJiD7fwM1tmJ791TUWqmKaTnP49U493VanKpUAfzIiOiIbhg"
)

DEFAULT_ADMIN_NAME = "admin"
DEFAULT_ADMIN_PASSWORD = "admin"
DEFAULT_PRINCIPAL_DOMAIN = "open-metadata.org"
DEFAULT_ADMIN_EMAIL = "admin@open-metadata.org"

# The admin's e-mail domains OpenMetadata has shipped: authorizerConfiguration.principalDomain in
# conf/openmetadata.yaml and the Helm chart (open-metadata.org), older conf/openmetadata.yaml (openmetadata.org).
SHIPPED_PRINCIPAL_DOMAINS = ("open-metadata.org", "openmetadata.org")

# Providers that accept a password at POST /api/v1/users/login (others answer 403):
# AuthServeletHandlerFactory serves BASIC and OPENMETADATA with BasicAuthServletHandler, LDAP with
# LdapAuthServletHandler (docs/research/issue-11-openmetadata-source.md, point 3).
PASSWORD_PROVIDERS = frozenset({"basic", "openmetadata", "ldap"})
LOCAL_PASSWORD_PROVIDERS = frozenset({"basic", "openmetadata"})  # passwords kept by OpenMetadata itself
SSO_PROVIDERS = frozenset({"google", "okta", "auth0", "azure", "aws-cognito", "custom-oidc", "saml"})
