from django.contrib import admin

from .models import Department, Organisation, Role


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city", "region", "is_active"]
    list_filter = ["kind", "region", "is_active"]
    search_fields = ["name", "city"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "is_active"]
    search_fields = ["name", "organisation__name"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "organisation", "starts_on", "ends_on"]
    list_filter = ["kind"]
    search_fields = ["user__full_name", "organisation__name"]
    raw_id_fields = ["user"]
