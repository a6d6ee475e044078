"""OMA117: a token with someone else's name before the `@` acts as that OpenMetadata user.

## Why this matters
OpenMetadata takes the user name from the first of `jwtPrincipalClaims` present in the token
(`[email, preferred_username, sub]` as shipped), keeping the part before `@`
(SecurityUtil.findUserNameFromClaims), and then authorizes by that name alone (SubjectCache). The
e-mail's domain is checked only with `enforcePrincipalDomain: true`, which is `false` in
conf/openmetadata.yaml and in every chart tag read (1.2.8 to 1.13.1). So a token for
`admin@any-domain.example` acts as OpenMetadata's `admin`, and `alice@any-domain.example` as `alice`.
No release checks the token's audience, so a token of any app client of the pool counts
(docs/research/issue-23-attack-paths.md; OpenMetadata's own integration tests rely on the name
coming from the local part).

The claim that counts is the first of the list that the pool's ID tokens carry: an attribute
(`email`, `preferred_username`) only for an app client that may read it, `cognito:username` always
(chosen at sign-up unless users sign in by e-mail or phone), `sub` always and never chosen. On the
lab's walkthrough pool the client cannot read `email`, so `preferred_username` names the user:
tests/test_attack_paths.py signs a stranger up with `preferred_username: alice` and calls the lab as
the admin `alice`.

Who can get such a token from the user pool:
- **a stranger**, when the pool lets anyone sign up (the address, and the user name, are the
  stranger's to choose, at a domain they own to confirm it), when an app client of the pool
  offers a social identity provider (Google, Facebook, Amazon, Apple), or when `publicKeyUrls` lists
  a public provider's keys (OMA118): critical;
- **a member of the pool**, when `email` is writable through an app client (a member changes their
  address to `alice@their-domain.example` and confirms it there), or when a client offers an
  enterprise identity provider whose users set their own address: high.

PASS when the name comes from a claim nobody chooses (`sub`), when the domain is enforced, or when
no one can choose the claim: sign-up closed, `email` not writable, no external identity provider.
SKIPPED when `enforcePrincipalDomain` is unknown (a running server shows it to an admin token only;
old servers in `/config/authorizer`), and on releases after 2.0. No release up to 2.0.7 has the
e-mail-first flow (`JwtIdentityResolver`): its `emailClaim` is in no released schema. On main
(unreleased, 2.1) it is opt-in: with `emailClaim` set, a token whose local part names another user
is refused; unset (the default), the legacy path above applies. No scan reads `emailClaim` yet
(docs/research/issue-23-attack-paths.md, note C).

## Fix
Set `enforcePrincipalDomain: true` with `principalDomain` your users' domain
(`AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN=true`, Helm `openmetadata.config.authorizer.enforcePrincipalDomain`,
or Settings > SSO on 1.12+), and close the ways in: `AllowAdminCreateUserOnly: true` on the pool,
`email` out of the app clients' `WriteAttributes`, no social identity provider on any client.
Prefer `sub` or a mapped, administrator-set claim (`jwtPrincipalClaimsMapping`) for the name.

## References
- open-metadata/OpenMetadata: openmetadata-service/.../security/SecurityUtil.java
  (findUserNameFromClaims, validateDomainEnforcement; the claims map is a case-insensitive TreeMap),
  JwtFilter.java (no `token_use` check: access tokens, whose `username` is the sign-up name, count),
  DefaultAuthorizer.java, SubjectCache.java; conf/openmetadata.yaml (`AUTHORIZER_ENFORCE_PRINCIPAL_DOMAIN`);
  quotes in docs/research/issue-23-attack-paths.md, note A, points 1-3 and 5
- AWS Cognito API reference: UserPoolClientType.ReadAttributes and WriteAttributes (what a client's
  tokens carry and what its users, at SignUp or UpdateUserAttributes, may set); UserPoolType.
  UsernameAttributes (the e-mail or phone given as the user name); SignUp ("SignUp is not permitted for
  this user pool" with AllowAdminCreateUserOnly, as pmill/aws-cognito#37 shows AWS answering)
- open-metadata/openmetadata-helm-charts: charts/openmetadata/values.yaml (`authorizer.enforcePrincipalDomain`)
- AWS Cognito API reference: UserPoolClientType.SupportedIdentityProviders (social providers: Google,
  Facebook, LoginWithAmazon, SignInWithApple)
- https://github.com/omaudit/omaudit/blob/main/docs/research/issue-23-attack-paths.md
"""

import re

from auditor.engine.rulekit import (
    PUBLIC_KEY_HOSTS,
    AuthConfig,
    Iterable,
    Outcome,
    Params,
    RuleMeta,
    Severity,
    Snapshot,
    admin_view_failed,
    attribute_update_paths,
    configured_key_urls,
    federated_only,
    known,
    need,
    om_cognito,
    url_host,
)

META = RuleMeta(id="OMA117", name="identity-collision", severity=Severity.HIGH,
                needs=("om.auth_config", "cognito.user_pool", "cognito.clients", "cognito.identity_providers"),
                about=("conf.enforce_principal_domain",))  # the line a file scan points at

SHIPPED_CLAIMS = ("email", "preferred_username", "sub")
SIGN_UP_WAY = "the pool lets anyone sign up (AllowAdminCreateUserOnly is not true)"
SIGN_UP_NAME = {"username", "cognito:username"}  # access tokens carry `username`, ID tokens `cognito:username`
# Claims Cognito sets itself: no user chooses them.
NEVER_CHOSEN = {"sub", "iss", "aud", "client_id", "token_use", "jti", "origin_jti", "event_id", "auth_time", "iat",
                "exp", "email_verified", "phone_number_verified", "identities", "scope"}
SOCIAL = {"Google", "Facebook", "LoginWithAmazon", "SignInWithApple"}


def check(snap: Snapshot, params: Params) -> Iterable[Outcome]:
    resource, auth, skip = om_cognito(snap)
    if skip:
        yield META.skipped(resource, skip)
        return
    newest = _after_2_0(snap)
    if newest:
        yield META.skipped(resource, f"OpenMetadata {newest}: releases after 2.0 may resolve users by e-mail first "
                           "(emailClaim set), which refuses a local part that belongs to another user; whether "
                           "emailClaim is set is not read by this scan")
        return
    claim, chosen = _name_claim(auth, snap)
    admins = _admins(snap)
    evidence: dict[str, object] = {"name_claim": claim, "admins": admins}
    if not chosen:
        yield META.passed(resource, f"the user name comes from {claim}, which no user chooses", **evidence)
        return
    strangers, members = _ways_in(snap, claim)
    urls, why_unknown = configured_key_urls(snap, auth)
    public = sorted({PUBLIC_KEY_HOSTS.get((url_host(u) or "").lower().rstrip("."), "") for u in urls or ()} - {""})
    strangers += [f"publicKeyUrls trusts {name}'s keys, so any {name} account's token (OMA118)" for name in public]
    enforce = _enforced(snap)
    evidence.update(strangers=strangers, members=members, enforce_principal_domain=enforce)
    failed = admin_view_failed(snap)
    if failed and (enforce is None or urls is None) and not (strangers and enforce is False):
        yield META.errored(resource, f"could not read OpenMetadata's security settings: {failed}", **evidence)
    elif not strangers and not members and urls is None:
        yield META.skipped(resource, f"no one can choose the {claim} of a token through the pool, but publicKeyUrls "
                           f"is unknown ({why_unknown}): a public provider's keys there would let anyone in",
                           **evidence)
    elif not strangers and not members:
        yield META.passed(resource, f"no one can choose the {claim} of a token: no sign-up or client that may write "
                          f"it, no external identity provider, no public provider's keys", **evidence)
    elif enforce is None:
        yield META.skipped(resource, "enforcePrincipalDomain is unknown: a running server shows it to an admin token "
                           "(--om-token) only", **evidence)
    elif enforce:
        yield from _enforced_but(snap, resource, claim, auth, strangers, evidence)
    else:
        targets = ", ".join(admins or ["any user"])
        value = "<name>@their-domain" if claim == "email" else "<name>"
        who, ways = ("anyone", strangers) if strangers else ("a member of the pool", members)
        found = META.failed(resource, f"{who} can get a token whose {claim} is {value} and act as that OpenMetadata "
                            f"user ({targets}): {'; '.join(ways)}", **{**evidence, "way": "any-domain"})
        yield found.graver(Severity.CRITICAL) if strangers else found


def _enforced_but(snap: Snapshot, resource: str, claim: str, auth: AuthConfig, strangers: list[str],
                  evidence: dict[str, object]) -> Iterable[Outcome]:
    """With enforcePrincipalDomain, the domain is read from the e-mail claim (with a mapping) or from
    the claim that names the user (research, note A points 2-3): a sign-up user name may itself be
    `admin@<principalDomain>`, and an e-mail changed without verification takes effect at once."""
    if claim in SIGN_UP_NAME and not auth.jwt_principal_claims_mapping and SIGN_UP_WAY in strangers:
        found = META.failed(resource, "enforcePrincipalDomain is on, but anyone can sign up with the user name "
                            "<name>@<principalDomain> and act as that OpenMetadata user",
                            **{**evidence, "way": "sign-up-name"})
        yield found.graver(Severity.CRITICAL)
        return
    unverified = _changers(snap, "email", unverified=True)
    if unverified:
        yield META.failed(resource, "enforcePrincipalDomain is on, but a member of the pool can set their email to "
                          f"<name>@<principalDomain> without verifying it: {'; '.join(unverified)}",
                          **{**evidence, "way": "unverified-email"})
        return
    yield META.passed(resource, "enforcePrincipalDomain is on: only addresses at principalDomain map to users",
                      **evidence)


def _after_2_0(snap: Snapshot) -> str | None:
    version = snap.om.version.version if snap.om.version else ""
    found = re.match(r"(\d+)\.(\d+)", version)
    return version if found and (int(found[1]), int(found[2])) > (2, 0) else None


def _name_claim(auth: AuthConfig, snap: Snapshot) -> tuple[str, bool]:
    """The claim a token of the pool gives the user name from, and whether its user chose it: the
    mapped `username:` claim, or the first of jwtPrincipalClaims that the token carries, matched in
    any case (OpenMetadata's claim map ignores it). The sign-up user name (`username` in access tokens,
    `cognito:username` in ID tokens) is chosen unless users sign in by e-mail or phone; an attribute is
    in an ID token only for a client that may read it, chosen where a client may write it, and left
    out by a stranger when it is neither writable nor required (the next claim then names them)."""
    claims: tuple[str, ...] = auth.jwt_principal_claims or SHIPPED_CLAIMS
    for entry in auth.jwt_principal_claims_mapping:
        key, _, value = entry.partition(":")
        if key.strip().lower() == "username" and value.strip():
            claims = (value.strip(),)
            break
    pool = need(snap.cognito.user_pool)
    clients = need(snap.cognito.clients)
    by_address = set(pool.username_attributes or ())  # an Unknown raises when read
    for raw in claims:
        claim = raw.strip().lower()
        if claim in SIGN_UP_NAME:
            return claim, not by_address
        if claim in NEVER_CHOSEN or claim.startswith("cognito:"):
            return claim, False
        if not any(c.read_attributes is None or claim in _lower(c.read_attributes) for c in clients):
            continue  # in no token
        if claim in by_address or any(c.write_attributes is None or claim in _lower(c.write_attributes)
                                      for c in clients):
            return claim, True
        attribute = pool.attribute(claim)
        if attribute is not None and attribute.required:
            return claim, False  # every user has it, set by an administrator
    return (claims[-1].strip().lower() if claims else "sub"), False


def _lower(names: tuple[str, ...]) -> set[str]:
    return {n.lower() for n in names}


def _enforced(snap: Snapshot) -> bool | None:
    security = snap.om.security_config
    if security is not None and security.served and security.enforce_principal_domain is not None:
        return security.enforce_principal_domain
    authorizer = snap.om.authorizer
    if authorizer is not None and authorizer.enforce_principal_domain is not None:
        return authorizer.enforce_principal_domain
    return snap.conf.enforce_principal_domain  # the files' (None on a live scan)


def _admins(snap: Snapshot) -> list[str]:
    """OpenMetadata's administrators by name, where the scan knows them: the admin users (token), the
    disclosed adminPrincipals, or the files' initial admins."""
    if snap.om.admin_users:
        return sorted(u.name for u in snap.om.admin_users if not u.is_bot and not u.deleted)
    if snap.om.authorizer is not None and snap.om.authorizer.admin_principals:
        return sorted(snap.om.authorizer.admin_principals)
    return sorted(snap.conf.initial_admins or ())


def _ways_in(snap: Snapshot, claim: str) -> tuple[list[str], list[str]]:
    """(how a stranger gets a token with a chosen claim, how a member does)."""
    pool = need(snap.cognito.user_pool)
    clients = need(snap.cognito.clients)
    kinds = {i.name: i.type or i.name for i in need(snap.cognito.identity_providers)}
    strangers: list[str] = []
    members: list[str] = []
    # SignUp sets what the client may write, and the address given as the user name (UsernameAttributes).
    as_username = claim in SIGN_UP_NAME or claim in (known(pool.username_attributes) or ())
    writers = [c for c in clients if as_username or c.write_attributes is None
               or claim in _lower(c.write_attributes)]
    if known(pool.allow_admin_create_user_only) is not True and federated_only(snap) is None and writers:
        strangers.append(SIGN_UP_WAY)
    for client in clients:
        name = client.name or client.client_id
        for idp in known(client.supported_identity_providers) or ():
            if idp == "COGNITO":
                continue
            if kinds.get(idp, idp) in SOCIAL:
                strangers.append(f"client {name} signs in any {kinds.get(idp, idp)} account ({idp})")
            else:
                members.append(f"client {name} signs in users of {idp}, who may set their own address there")
    if claim not in SIGN_UP_NAME:
        members += _changers(snap, claim)
    return strangers, members


def _changers(snap: Snapshot, attribute_name: str, unverified: bool = False) -> list[str]:
    """The clients whose users may change an attribute of theirs (UpdateUserAttributes), and how; with
    `unverified`, only where the change takes effect before it is verified."""
    pool = need(snap.cognito.user_pool)
    attribute = pool.attribute(attribute_name)
    if attribute is not None and not attribute.mutable:
        return []
    if unverified and attribute_name in (pool.verify_before_update or ()):
        return []
    return [f"client {client.name or client.client_id} lets users change their {attribute_name} "
            f"({' and '.join(paths)})" for client in need(snap.cognito.clients)
            if (client.write_attributes is None or attribute_name in _lower(client.write_attributes))
            and (paths := attribute_update_paths(client))]
