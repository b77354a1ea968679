"""The Grit SDK's example models (../shared/seeds/004_*), as the seed writes
them, with only the imports pointed at the package: Lead, Company and
Employee, ProductCategory's own primary key, the relation examples (a
ForeignKey, a ManyToManyField with and without a through model, a
OneToOneField, a relation to the platform's user) a unique=True field and
choices (Django 3.2 takes a list of pairs or TextChoices.choices).
Names the seed uses twice (its examples are separate modules) are kept
once."""

from django.db import models

from cmodel_django.grit import BaseModel, CustomUser


class Lead(BaseModel):
    first_name = models.CharField(max_length=255, blank=True)
    last_name = models.CharField(max_length=255, blank=True)
    email = models.EmailField(max_length=255, blank=True)

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class Opportunity(BaseModel):
    STATUS_CHOICES = [
        ("NEW", "New"),
        ("QUALIFIED", "Qualified"),
        ("CONVERTED", "Converted"),
    ]
    StageType = models.TextChoices("StageType", "PROSPECTING QUALIFICATION PROPOSAL NEGOTIATION CLOSED_WON CLOSED_LOST")

    name = models.CharField(max_length=100)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES)
    stage = models.CharField(blank=True, choices=StageType.choices, max_length=20)


class Company(BaseModel):
    name = models.CharField(max_length=100)
    industry = models.CharField(max_length=100)
    website = models.URLField(blank=True)


class Employee(BaseModel):
    company = models.ForeignKey(Company, on_delete=models.CASCADE)
    first_name = models.CharField(max_length=50)
    last_name = models.CharField(max_length=50)
    hire_date = models.DateField()
    department = models.CharField(max_length=100)


class ProductCategory(BaseModel):
    code = models.CharField(max_length=50, primary_key=True)
    name = models.CharField(max_length=100)


class Product(BaseModel):
    category = models.ForeignKey(ProductCategory, on_delete=models.SET_NULL, null=True, blank=True)
    sku = models.SlugField(unique=True)
    inventory_count = models.IntegerField()

    class Meta:
        ordering = ["inventory_count"]
        verbose_name_plural = "products"


class Account(BaseModel):
    name = models.CharField(max_length=255)


class Contact(BaseModel):
    account = models.ForeignKey(Account, on_delete=models.CASCADE)
    user = models.OneToOneField(CustomUser, on_delete=models.SET_NULL, blank=True, null=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField()


class EmployeeProfile(BaseModel):
    contact = models.OneToOneField(Contact, on_delete=models.CASCADE)
    employee_id = models.CharField(max_length=20)
    department = models.CharField(max_length=100)
    hire_date = models.DateField()


class Team(BaseModel):
    name = models.CharField(max_length=255)
    team_members = models.ManyToManyField(Employee)


class Project(BaseModel):
    name = models.CharField(max_length=128)
    team_members = models.ManyToManyField(Employee, through="ProjectAssignment", related_name="projects")


class ProjectAssignment(BaseModel):
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE)
    project = models.ForeignKey(Project, on_delete=models.CASCADE)
    date_assigned = models.DateField()
    role = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["employee", "project"], name="unique_employee_project")
        ]
