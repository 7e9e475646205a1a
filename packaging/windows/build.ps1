# Build the Windows bundle (PyInstaller, one folder, windowed) and the per-user setup .exe.
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1 [-Python py.exe] [-SkipInstaller]
# Needs Python 3.11+ (64-bit) and Inno Setup 6 (ISCC.exe on PATH or in its default folder).
# Result: build\pyi-dist\y90gui\y90gui.exe and dist\y90gui-<version>-setup.exe
param(
    [string]$Python = "python",
    [switch]$SkipInstaller
)
$ErrorActionPreference = "Stop"
$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Root

function Invoke-Checked([string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

$py = Join-Path $Root ".venv\Scripts\python.exe"
if (-not (Test-Path $py)) {
    Write-Host "== creating .venv with $Python"
    Invoke-Checked $Python @("-m", "venv", ".venv")
    Invoke-Checked $py @("-m", "pip", "install", "--quiet", "--upgrade", "pip")
}
Write-Host "== installing .[package] pinned by packaging\requirements-bundle.txt"
Invoke-Checked $py @("-m", "pip", "install", "--quiet", "-e", ".[package]", "-c", "packaging\requirements-bundle.txt")

Write-Host "== icons"
$env:QT_QPA_PLATFORM = "offscreen"
Invoke-Checked $py @("packaging\icons.py", "build\icons")
Remove-Item Env:\QT_QPA_PLATFORM

Write-Host "== pyinstaller"
if (Test-Path "build\pyi-dist\y90gui") { Remove-Item -Recurse -Force "build\pyi-dist\y90gui" }
Invoke-Checked $py @("-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
                     "--distpath", "build\pyi-dist", "--workpath", "build\pyi-work", "packaging\y90gui.spec")
$bundle = Join-Path $Root "build\pyi-dist\y90gui"
$sizeMB = [math]::Round(((Get-ChildItem $bundle -Recurse -File | Measure-Object Length -Sum).Sum / 1MB), 1)
Write-Host "== bundle: $sizeMB MB in $bundle"

if ($SkipInstaller) { return }
$version = (& $py -c "import y90gui; print(y90gui.__version__)").Trim()
$iscc = (Get-Command ISCC.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe" }
if (-not (Test-Path $iscc)) { throw "Inno Setup 6 not found (choco install innosetup, or https://jrsoftware.org/isdl.php)" }
$isccArgs = @("/Q", "/DAppVersion=$version", "/DSourceDir=$bundle")
$icon = Join-Path $Root "build\icons\y90gui.ico"
if (Test-Path $icon) { $isccArgs += "/DIconFile=$icon" }
Invoke-Checked $iscc ($isccArgs + @("packaging\windows\y90gui.iss"))
Write-Host "== installer: dist\y90gui-$version-setup.exe"
