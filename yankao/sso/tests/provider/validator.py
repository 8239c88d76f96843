import json
import os

from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    # Every claim goes to the ID token and userinfo, whatever the scopes.
    oidc_claim_scope = None

    def get_additional_claims(self, request):
        user = request.user
        roles = json.loads(os.environ.get("PROVIDER_ROLES", "{}"))
        return {"preferred_username": user.username, "given_name": user.first_name,
                "family_name": user.last_name, "email": user.email,
                "yankao_roles": roles.get(user.username, [])}
