"""A trained routing model (转送辅助): which category and handling unit a text most likely belongs to."""

from __future__ import annotations

from django.db import models


class RoutingModel(models.Model):
    """One training run. The newest row is the model in use; older rows stay as the record of accuracy."""

    trained_at = models.DateTimeField("训练时间")
    trained_on = models.PositiveIntegerField("训练样本数（已办结事项）")
    held_out = models.PositiveIntegerField("留出检验样本数")
    category_top1 = models.FloatField("分类首选准确率", null=True)
    category_top3 = models.FloatField("分类前三准确率", null=True)
    unit_top1 = models.FloatField("主办单位首选准确率", null=True)
    unit_top3 = models.FloatField("主办单位前三准确率", null=True)
    # joblib bytes of the two fitted scikit-learn pipelines; written only by routing.services.train.
    payload = models.BinaryField("模型")
    library_version = models.CharField("scikit-learn 版本", max_length=20)

    class Meta:
        verbose_name = "转送辅助模型"
        verbose_name_plural = verbose_name
        ordering = ["-trained_at", "-id"]

    def __str__(self) -> str:
        return f"{self.trained_at:%Y-%m-%d %H:%M}（{self.trained_on} 件）"
