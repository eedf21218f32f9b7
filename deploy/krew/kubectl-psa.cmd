@echo off
rem kubectl-psa launcher of the krew archive for Windows: runs the package in lib\ with the Node.js on PATH.
node "%~dp0lib\dist\psa.cjs" %*
