Attribute VB_Name = "YouzhiRibbon"
' Ribbon callbacks of the youzhi add-in. Each one hands over to macros.py through
' xlwings' RunPython; all the work (and every message the user sees) is in Python.
' Keep this file ASCII: the VBA project is stored in code page 1252.
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
    RunPython "import macros; macros.new_template()"
End Sub

Public Sub OnBatch(control As IRibbonControl)
    RunPython "import macros; macros.batch()"
End Sub
