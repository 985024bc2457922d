"""The upload form: which sheet, which file. The content is checked by the reader."""

from __future__ import annotations

from django import forms


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label="表格类型", choices=())
    file = forms.FileField(
        label="文件",
        help_text="Excel（.xlsx/.xls）或CSV文件",
        error_messages={"required": "请选择要上传的文件。", "empty": "文件为空。"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xlsm,.xls,.csv,.ods"}),
    )

    def __init__(self, *args, specs, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.fields["kind"].choices = [(spec.kind, spec.title) for spec in specs]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                f"文件大小为{upload.size / 1024 / 1024:.1f} MB，超过{self.max_bytes / 1024 / 1024:.0f} MB的上限。请拆分后分批导入。"
            )
        return upload
