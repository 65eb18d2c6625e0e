"""A record of each demo generation (``load_demo --status`` reads it)."""

from django.db import models


class DemoRun(models.Model):
    """One completed run of ``load_demo``: written in the same transaction as the data it made."""

    seed = models.BigIntegerField("随机种子")
    requested = models.PositiveIntegerField("计划事项数")
    matters = models.PositiveIntegerField("生成事项数")
    petitions = models.PositiveIntegerField("信访件数")
    acts = models.PositiveIntegerField("办理动作数")
    refused = models.PositiveIntegerField("被拒绝的动作数", default=0)
    today = models.DateField("基准日期")
    seconds = models.FloatField("耗时（秒）")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "演示数据生成记录"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"示范县演示数据 {self.matters} 件（种子 {self.seed}）"
