"""Questions asked before something that cannot simply be taken back: money saved, a fact voided.

The safe answer is the default (Enter, Esc and closing the box all take it): the question is
there so that Enter alone never saves money or voids a fact.  The other answer is one
deliberate key away (its letter, shown underlined) or a click.
"""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from app.domain.money import format_yuan, to_chinese_capital
from app.ui import errors


def money_words(fen: int) -> str:
    """"壹万贰仟元整（12,000.00 元）": the amount as on a receipt, and in figures."""
    return f"{to_chinese_capital(fen)}（{format_yuan(fen)} 元）"


def capital_line(fen: int | None) -> str:
    """The line under a money field: "大写：壹万贰仟元整" (empty while nothing is typed)."""
    return f"大写：{to_chinese_capital(fen)}" if fen else ""


def confirm(parent: QWidget | None, title: str, text: str, yes_text: str, *, detail: str | None = None,
            object_name: str = "confirmQuestion", warning: bool = False) -> bool:
    """Ask; True only if the user chose ``yes_text`` (not the default 返回修改)."""
    icon = QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Question
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setObjectName(object_name)
    if detail:
        box.setInformativeText(detail)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    yes.setObjectName("confirmYes")
    back = box.addButton("返回修改", QMessageBox.ButtonRole.RejectRole)
    back.setObjectName("confirmNo")
    box.setDefaultButton(back)
    box.setEscapeButton(back)
    errors.present(box)
    return box.clickedButton() is yes


def confirm_payment(parent: QWidget | None, fen: int, detail: str | None = None) -> bool:
    """"确认登记还款 壹万贰仟元整（12,000.00 元）？" before money is saved."""
    return confirm(parent, "确认登记还款", f"确认登记还款 {money_words(fen)}？", "确认登记(&Y)", detail=detail,
                   object_name="confirmPayment")
