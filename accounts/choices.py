from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleCode(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    ORGANIZATION_OFFICER = "organization_officer", _("Organization officer")
    INSPECTION_OFFICER = "inspection_officer", _("Inspection officer")
    OFFICE_CLERK = "office_clerk", _("Office clerk")
    VIEWER = "viewer", _("Viewer")


_VIEW = ["orgs.view_organization", "members.view_member"]
_EDIT_MEMBERS = ["members.add_member", "members.change_member", "members.export_member"]
_EDIT_ORGS = ["orgs.add_organization", "orgs.change_organization"]
_GRANTS = ["accounts.view_user", "accounts.add_user", "accounts.change_user", "accounts.view_rolegrant",
           "accounts.add_rolegrant", "accounts.change_rolegrant", "accounts.delete_rolegrant"]
_AUDIT = ["audit.view_auditrecord"]

# Default permissions of each role; administrators change them in the admin (Role.permissions).
DEFAULT_ROLE_PERMISSIONS = {
    RoleCode.SECRETARY: _VIEW + _EDIT_MEMBERS + _EDIT_ORGS + _GRANTS + _AUDIT,
    RoleCode.DEPUTY_SECRETARY: _VIEW + _EDIT_MEMBERS + _EDIT_ORGS + _GRANTS + _AUDIT,
    RoleCode.ORGANIZATION_OFFICER: _VIEW + _EDIT_MEMBERS + _EDIT_ORGS + ["accounts.view_user",
                                                                         "accounts.view_rolegrant"] + _AUDIT,
    RoleCode.INSPECTION_OFFICER: _VIEW + ["members.export_member"] + _AUDIT,
    RoleCode.OFFICE_CLERK: _VIEW + _EDIT_MEMBERS,
    RoleCode.VIEWER: _VIEW,
}
