# Run a y90gui.exe's --self-test and show its result. A windowed exe has no console: the lines
# are read back from the log in the data folder (Y90GUI_DATA_DIR, set here to a fresh folder).
#   powershell -File packaging\windows\selftest.ps1 -Exe build\pyi-dist\y90gui\y90gui.exe
param([Parameter(Mandatory = $true)][string]$Exe, [int]$TimeoutSeconds = 600)
$ErrorActionPreference = "Stop"
$data = Join-Path ([IO.Path]::GetTempPath()) ("y90gui-selftest-" + [guid]::NewGuid())
New-Item -ItemType Directory -Path $data | Out-Null
$env:Y90GUI_DATA_DIR = $data
$env:Y90GUI_SETTINGS_DIR = $data
$p = Start-Process -FilePath $Exe -ArgumentList "--self-test" -PassThru
$null = $p.Handle  # without this PowerShell may report no ExitCode for the finished process
if (-not $p.WaitForExit($TimeoutSeconds * 1000)) { $p.Kill(); throw "self-test did not finish in $TimeoutSeconds s" }
$log = Join-Path $data "y90gui.log"
if (Test-Path $log) { Get-Content $log | Select-String "self-test|^.*(ok  |FAIL)" | ForEach-Object { $_.Line } }
Write-Host "exit code: $($p.ExitCode)"
if ($p.ExitCode -ne 0) { throw "self-test failed (exit code $($p.ExitCode))" }
if (-not (Select-String -Path $log -Pattern "self-test PASSED" -Quiet)) { throw "no 'self-test PASSED' in $log" }
