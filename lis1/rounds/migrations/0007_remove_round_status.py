from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("rounds", "0006_round_status_to_decisions")]

    operations = [migrations.RemoveField(model_name="round", name="status")]
