Attribute VB_Name = "YouzhiRibbon"
' Ribbon callbacks of the youzhi add-in. Each one hands over to macros.py through
' xlwings' RunPython; all the work (and every message the user sees) is in Python.
' The project is stored in code page 1252: addin/build.py turns every non-ASCII string
' literal into ChrW(...) calls, so the zh-TW prompts below survive on every Excel.
Option Explicit

Public AppEvents As YouzhiEvents

Public Sub StartEvents()
    ' Called when the add-in opens: listen to WorkbookBeforeSave of every workbook.
    If AppEvents Is Nothing Then
        Set AppEvents = New YouzhiEvents
        Set AppEvents.App = Application
    End If
End Sub

Public Sub OnRibbonLoad(ribbon As IRibbonUI)
    StartEvents
End Sub

Public Sub OnCheck(control As IRibbonControl)
    RunPython "import macros; macros.check()"
End Sub

Public Sub OnRepair(control As IRibbonControl)
    RunPython "import macros; macros.repair()"
End Sub

Public Sub OnClearMarks(control As IRibbonControl)
    RunPython "import macros; macros.clear_marks()"
End Sub

Public Sub OnNewTemplate(control As IRibbonControl)
    Dim yearText As String, programme As String
    yearText = InputBox("請輸入學年度（民國年，例如 114）", "新年度範本")
    If Len(yearText) = 0 Then Exit Sub
    programme = InputBox("請選擇方案：1 = 高中優質化，2 = 高職優質化", "新年度範本", "1")
    If Len(programme) = 0 Then Exit Sub
    RunPython "import macros; macros.new_template(" & PyText(yearText) & ", " & PyText(programme) & ")"
End Sub

Public Sub OnBatch(control As IRibbonControl)
    Dim folder As String
    With Application.FileDialog(4) ' msoFileDialogFolderPicker
        .Title = "選擇要批次檢核的資料夾"
        If .Show <> -1 Then Exit Sub
        folder = .SelectedItems(1)
    End With
    RunPython "import macros; macros.batch(" & PyText(folder) & ")"
End Sub

Public Sub OnCompareVersions(control As IRibbonControl)
    Dim other As String
    With Application.FileDialog(3) ' msoFileDialogFilePicker
        .Title = "選擇要比較的另一個版本（例如核定版）"
        .AllowMultiSelect = False
        If .Show <> -1 Then Exit Sub
        other = .SelectedItems(1)
    End With
    RunPython "import macros; macros.compare_versions(" & PyText(other) & ")"
End Sub

Public Sub OnProgress(control As IRibbonControl)
    RunPython "import macros; macros.progress()"
End Sub

Public Sub OnSettle(control As IRibbonControl)
    Dim paid As String, reason As String
    paid = InputBox("教育部撥付金額（元）；空白則取「執行進度報告表」的已撥經費", "收支結算表")
    reason = InputBox("執行率未達 80% 之原因說明（達 80% 者免填）", "收支結算表")
    RunPython "import macros; macros.settle(" & PyText(paid) & ", " & PyText(reason) & ")"
End Sub

Private Function PyText(ByVal text As String) As String
    ' Text typed or picked by the user as a Python expression that survives cmd.exe quoting
    ' (%, &, quotes, any script): its UTF-16 code units in hex, decoded by macros.from_hex.
    Dim i As Long, hexText As String
    For i = 1 To Len(text)
        hexText = hexText & Right("000" & Hex(AscW(Mid(text, i, 1)) And &HFFFF&), 4)
    Next i
    PyText = "macros.from_hex('" & hexText & "')"
End Function
