<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!--
  Chinese for the strings of Qt's own file and print dialogs that Qt's qtbase_zh_CN catalog leaves in English
  (its Chinese catalog predates the keyboard accelerators Qt 6 added to these labels, so "&Look in:" no longer
  matches its "Look in:"), and for its questions that say 您 where this app says 你.

  Installed after qtbase_zh_CN (gui/translation.py), so these win where both have a string. Contexts and source
  texts are Qt's own, exactly: a mismatch is silently ignored. tests/gui/test_qt_dialogs_chinese.py opens the
  dialogs and fails on any English word left. dialogs_zh_CN.qm beside it is this file compiled (commit both; the
  same test checks that every message here is in the .qm as written):
      .venv/bin/pyside6-lrelease resources/gui/qt/dialogs_zh_CN.ts -qm resources/gui/qt/dialogs_zh_CN.qm
-->
<TS version="2.1" language="zh_CN">
<context>
    <name>QFileDialog</name>
    <message>
        <source>&amp;Look in:</source>
        <translation>位置(&amp;L)：</translation>
    </message>
    <message>
        <source>Files of &amp;type:</source>
        <translation>文件类型(&amp;T)：</translation>
    </message>
    <message>
        <source>%1 already exists.
Do you want to replace it?</source>
        <translation>%1 已经有了。
要换成新的吗？</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is write protected.
Do you want to delete it anyway?</source>
        <translation>“%1”设置了禁止修改。
还是要删除它吗？</translation>
    </message>
    <message>
        <source>Are you sure you want to delete &apos;%1&apos;?</source>
        <translation>确定要删除“%1”吗？</translation>
    </message>
</context>
<context>
    <name>QPrintDialog</name>
    <message>
        <source>%1 already exists.
Do you want to overwrite it?</source>
        <translation>%1 已经有了。
要覆盖它吗？</translation>
    </message>
    <message>
        <source>There are conflicts in duplex settings. Do you want to fix them?</source>
        <translation>双面打印的设置互相冲突。要改正吗？</translation>
    </message>
</context>
<context>
    <name>QPrintPropertiesDialog</name>
    <message>
        <source>There are conflicts in page setup options. Do you want to fix them?</source>
        <translation>页面设置里有互相冲突的选项。要改正吗？</translation>
    </message>
    <message>
        <source>There are conflicts in some advanced options. Do you want to fix them?</source>
        <translation>有些高级选项互相冲突。要改正吗？</translation>
    </message>
</context>
<context>
    <name>QPrintSettingsOutput</name>
    <message>
        <source>Page &amp;Set:</source>
        <translation>打印哪些页(&amp;S)：</translation>
    </message>
</context>
<context>
    <name>QPageSetupWidget</name>
    <message>
        <source>Page &amp;order:</source>
        <translation>页面顺序(&amp;O)：</translation>
    </message>
    <message>
        <source>Pages &amp;per sheet:</source>
        <translation>每张纸印几页(&amp;P)：</translation>
    </message>
    <message>
        <source>Left to Right, Top to Bottom</source>
        <translation>从左到右，从上到下</translation>
    </message>
    <message>
        <source>Left to Right, Bottom to Top</source>
        <translation>从左到右，从下到上</translation>
    </message>
    <message>
        <source>Right to Left, Bottom to Top</source>
        <translation>从右到左，从下到上</translation>
    </message>
    <message>
        <source>Right to Left, Top to Bottom</source>
        <translation>从右到左，从上到下</translation>
    </message>
    <message>
        <source>Bottom to Top, Left to Right</source>
        <translation>从下到上，从左到右</translation>
    </message>
    <message>
        <source>Bottom to Top, Right to Left</source>
        <translation>从下到上，从右到左</translation>
    </message>
    <message>
        <source>Top to Bottom, Left to Right</source>
        <translation>从上到下，从左到右</translation>
    </message>
    <message>
        <source>Top to Bottom, Right to Left</source>
        <translation>从上到下，从右到左</translation>
    </message>
</context>
<context>
    <name>QCupsJobWidget</name>
    <message>
        <source>Scheduled &amp;printing:</source>
        <translation>什么时候打印(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Billing information:</source>
        <translation>计费信息(&amp;B)：</translation>
    </message>
    <message>
        <source>Job &amp;priority:</source>
        <translation>优先级(&amp;R)：</translation>
    </message>
    <message>
        <source>&amp;Start:</source>
        <comment>Banner page at start</comment>
        <translation>开头(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;End:</source>
        <comment>Banner page at end</comment>
        <translation>结尾(&amp;E)：</translation>
    </message>
</context>
</TS>
