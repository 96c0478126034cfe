from django.db import models
from django.utils.translation import gettext_lazy as _


class RoleCode(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    ORGANIZATION_OFFICER = "organization_officer", _("Organization officer")
    INSPECTION_OFFICER = "inspection_officer", _("Inspection officer")
    OFFICE_CLERK = "office_clerk", _("Office clerk")
    VIEWER = "viewer", _("Viewer")


_VIEW = ["orgs.view_organization", "members.view_member", "cadres.view_postholding"]
_RECORD_POSTS = ["cadres.add_postholding", "cadres.change_postholding"]  # committees' compositions and planning
_EDIT_MEMBERS = ["members.add_member", "members.change_member", "members.export_member"]
_CORRECT = ["members.correct_member"]  # correcting personal data, apart from recording status changes
_EDIT_ORGS = ["orgs.add_organization", "orgs.change_organization"]
# Decisions of a committee: they count only on the organizations BELOW the one the role is granted on
# (a committee over its cells), or on the whole province for letters to another province.
_DECIDE = ["orgs.rename_organization", "lifecycle.decide_admissioncase", "lifecycle.transfer_out_of_province",
           "cadres.appoint_postholding"]
_GRANTS = ["accounts.view_user", "accounts.add_user", "accounts.change_user", "accounts.view_rolegrant",
           "accounts.add_rolegrant", "accounts.change_rolegrant", "accounts.delete_rolegrant"]
_AUDIT = ["audit.view_auditrecord"]

# Default permissions of each role; administrators change them in the admin (Role.permissions).
# Existing installations receive the permissions added here through a data migration (accounts 0002).
DEFAULT_ROLE_PERMISSIONS = {
    RoleCode.SECRETARY: _VIEW + _EDIT_MEMBERS + _CORRECT + _EDIT_ORGS + _RECORD_POSTS + _DECIDE + _GRANTS + _AUDIT,
    RoleCode.DEPUTY_SECRETARY: _VIEW + _EDIT_MEMBERS + _CORRECT + _EDIT_ORGS + _RECORD_POSTS + _DECIDE + _GRANTS
    + _AUDIT,
    RoleCode.ORGANIZATION_OFFICER: _VIEW + _EDIT_MEMBERS + _CORRECT + _EDIT_ORGS + _RECORD_POSTS + _DECIDE
    + ["accounts.view_user", "accounts.view_rolegrant"] + _AUDIT,
    RoleCode.INSPECTION_OFFICER: _VIEW + ["members.export_member"] + _AUDIT,
    RoleCode.OFFICE_CLERK: _VIEW + _EDIT_MEMBERS + _CORRECT + _RECORD_POSTS,
    RoleCode.VIEWER: _VIEW,
}
