import uuid

from django.db import migrations, models


def each_video_its_own_stack(apps, schema_editor):
    Video = apps.get_model("projects", "Video")
    for video_id in Video.objects.values_list("id", flat=True).iterator():
        Video.objects.filter(id=video_id).update(stack_id=video_id)


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0004_video_media'),
    ]

    operations = [
        migrations.AddField(
            model_name='video',
            name='stack_id',
            field=models.UUIDField(db_index=True, null=True),
        ),
        migrations.AddField(
            model_name='video',
            name='version',
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.RunPython(each_video_its_own_stack, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='video',
            name='stack_id',
            field=models.UUIDField(db_index=True, default=uuid.uuid4),
        ),
        migrations.AddConstraint(
            model_name='video',
            constraint=models.UniqueConstraint(fields=('stack_id', 'version'), name='video_unique_version'),
        ),
    ]
