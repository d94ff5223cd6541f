from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from lis1.accounts import sessions, views
from lis1.accounts.forms import LoginForm, NewPasswordForm, ResetForm

app_name = "accounts"

urlpatterns = [
    path(
        "logg-inn/",
        views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("logg-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("registrer/", views.register, name="register"),
    path("registrer/sendt/", views.register_sent, name="register_sent"),
    path("registrer/bekreft/<uidb64>/<token>/", views.register_confirm, name="register_confirm"),
    # What is left of the session (GET), and "Stay logged in" (POST): static/js/session.js.
    path("okt/", sessions.session_status, name="session"),
    path("e-post/", views.email_set, name="email"),
    path("e-post/bekreft/<str:token>/", views.email_confirm, name="email_confirm"),
    path(
        "glemt-passord/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            form_class=ResetForm,
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "glemt-passord/sendt/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "nytt-passord/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            form_class=NewPasswordForm,
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "nytt-passord/ferdig/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
