"""Dialogs of file exchange: import (errors or change preview, then confirm), export, template, backup."""
